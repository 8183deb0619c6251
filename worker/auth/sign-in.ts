import type { Context } from 'hono';
import type { Role } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { effectiveRole } from './roles';
import { startSession } from './session';

/**
 * The one door every sign-in method goes through: an email with no role is refused with
 * 403 (never a default viewer seat); otherwise a session starts.
 */
export async function signIn(
  c: Context<HonoEnv>,
  secret: string,
  rawEmail: string,
  provider: string,
): Promise<{ email: string; role: Role }> {
  const email = rawEmail.trim().toLowerCase();
  const role = await effectiveRole(database(c.env), c.env, email);
  if (!role) {
    throw new ApiError('forbidden', `${email} has no role in HQ. Ask an admin to grant you one.`);
  }
  await startSession(c, secret, email, provider);
  return { email, role };
}
