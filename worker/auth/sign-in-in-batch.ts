import type { Context } from 'hono';
import { ROLES, type Role } from '../../drizzle/schema';
import type { HonoEnv } from '../env';
import { envEmails } from '../env';
import { ApiError } from '../http/errors';
import { roleAtLeast, roleFrom } from './roles';

// A write route's sign-in check in the route's own D1 batch, one round trip instead of two
// (`npm run bench`, core path: proposing a mission). The guard does not read D1: it finds the
// session in a small per-isolate memory of what the last full check of it found (its email
// and role) and, if that role was enough, leaves the check to the route, whose writes each
// carry `signedInSql`: they happen only if, inside the same batch, the session is live and
// its role holds. A session's email never changes, so what is remembered can only be wrong
// about whether the session and its role still hold, and that is what the batch checks: an
// ended session or a revoked role writes nothing, at once, as on every other route. A session
// not remembered, or remembered with a lesser role, gets the full check first, as before. One
// difference shows: when a role is lowered between two requests, such a route validates the
// body before it learns that, so a bad body is answered 400 where it would have been 403.

/** What the last full check found, by the keyed hash of the session's token; oldest dropped first. */
const sessions = new Map<string, { email: string; role: Role }>();
const SESSIONS_KEPT = 500;

/** Remembers what a full check found for a live session. */
export function rememberSession(tokenHash: string, found: { email: string; role: Role }): void {
  sessions.delete(tokenHash);
  sessions.set(tokenHash, found);
  if (sessions.size > SESSIONS_KEPT) sessions.delete(sessions.keys().next().value as string);
}

/** Forgets a session (signed out, or refused). */
export function forgetSession(tokenHash: string): void {
  sessions.delete(tokenHash);
}

/** What the last full check of a session found, if remembered. */
export function rememberedSession(tokenHash: string): { email: string; role: Role } | undefined {
  return sessions.get(tokenHash);
}

/** How many sessions are remembered (its test reads it: the memory stays bounded). */
export const rememberedSessionCount = () => sessions.size;

/** A sign-in the guard left to the route's batch: who the cookie says, the role needed. */
export type SignInToCheck = NonNullable<HonoEnv['Variables']['signInToCheck']>;

/**
 * SQL true only while the session `check` names is live, is `check.email`'s, and its role is
 * `minRole` or above: a stored grant wins (a null grant is a revocation), else the env lists,
 * as requireRole decides in JS.
 */
export function signedInSql(env: Env, check: SignInToCheck, now: number) {
  const roles = ROLES.filter((role) => roleAtLeast(role, check.minRole));
  const listed = roles.flatMap((role) =>
    envEmails(env, `${role.toUpperCase()}_EMAILS` as keyof Env),
  );
  return {
    sql: `EXISTS (SELECT 1 FROM sessions s LEFT JOIN role_grants g ON g.email = lower(s.email)
      WHERE s.token_hash = ? AND s.email = ? AND s.expires_at > ?
        AND CASE WHEN g.email IS NOT NULL THEN coalesce(g.role IN (SELECT value FROM json_each(?)), 0)
                 ELSE lower(s.email) IN (SELECT value FROM json_each(?)) END)`,
    values: [check.tokenHash, check.email, now, JSON.stringify(roles), JSON.stringify(listed)],
  };
}

/** The sign-in this request's route must check in its batch, or undefined (the guard did). */
export function signInToCheck(c: Context<HonoEnv>): SignInToCheck | undefined {
  return c.get('signInToCheck');
}

/** For the route's batch: the session's stored grant, read to name the caller's role after. */
export function grantStatement(db: D1Database, check: SignInToCheck): D1PreparedStatement {
  return db
    .prepare(
      `SELECT g.email IS NOT NULL AS granted, g.role FROM sessions s
       LEFT JOIN role_grants g ON g.email = lower(s.email) WHERE s.token_hash = ?`,
    )
    .bind(check.tokenHash);
}

/**
 * After the route's batch: `outcome.wrote` says whether its guarded writes happened. If they
 * did, the caller is signed in (the batch said so) and becomes the request's user, with the
 * role the grant read (`outcome.grant`, from grantStatement) or the env lists give. If not, the full check runs
 * to say why (401 or 403); should it pass (a role granted in between), the caller is asked to
 * send the request again. Nothing was written either way.
 */
export async function settleSignIn(
  c: Context<HonoEnv>,
  check: SignInToCheck,
  outcome: { wrote: boolean; grant: { granted: number; role: Role | null } | undefined },
): Promise<void> {
  if (outcome.wrote) {
    const { grant } = outcome;
    // The batch's guard held, so the role is at least minRole; the grant read only names it.
    const stored = grant?.granted ? grant.role : undefined;
    const role = roleFrom(c.env, check.email, stored) ?? check.minRole;
    c.set('user', { email: check.email, role });
    rememberSession(check.tokenHash, { email: check.email, role });
    return;
  }
  forgetSession(check.tokenHash);
  await check.recheck();
  throw new ApiError('conflict', 'Your sign-in changed while this request ran: send it again.');
}
