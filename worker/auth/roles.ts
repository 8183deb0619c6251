import { eq } from 'drizzle-orm';
import { ROLES, type Role, roleGrants } from '../../drizzle/schema';
import type { Db } from '../db/client';
import { envEmails } from '../env';

/** True when `role` is at least `min` in viewer < operator < admin. */
export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

/** The role the env bootstrap lists give `email`: the highest list it is on. */
export function bootstrapRole(env: Env, email: string): Role | undefined {
  const normalised = email.toLowerCase();
  if (envEmails(env, 'ADMIN_EMAILS').includes(normalised)) return 'admin';
  if (envEmails(env, 'OPERATOR_EMAILS').includes(normalised)) return 'operator';
  if (envEmails(env, 'VIEWER_EMAILS').includes(normalised)) return 'viewer';
  return undefined;
}

/**
 * The role from what was read: a grant stored in D1 wins (`grant` null: a revocation), else
 * (`grant` undefined: none stored) the env lists.
 */
export function roleFrom(
  env: Env,
  email: string,
  grant: Role | null | undefined,
): Role | undefined {
  return grant === undefined ? bootstrapRole(env, email) : (grant ?? undefined);
}

/** The effective role: a grant stored in D1 wins (a null grant is a revocation), else the env lists. */
export async function effectiveRole(db: Db, env: Env, email: string): Promise<Role | undefined> {
  const grant = await db
    .select({ role: roleGrants.role })
    .from(roleGrants)
    .where(eq(roleGrants.email, email.toLowerCase()))
    .get();
  return roleFrom(env, email, grant ? grant.role : undefined);
}
