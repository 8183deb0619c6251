import type { Context, MiddlewareHandler } from 'hono';
import type { Role } from '../../drizzle/schema';
import { sessionSecretProblem } from '../config';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import type { SignInReads } from '../http/sign-in-reads';
import { presentedApiToken, runAsApiToken } from './api-tokens/bearer';
import { roleAtLeast, roleFrom } from './roles';
import { sessionTokenHash, sessionWithGrant } from './session';
import { rememberedSession, rememberSession } from './sign-in-in-batch';

/** Fails closed: without a usable SESSION_SECRET nothing that needs a session can run. */
export function secretOrFail(env: Env): string {
  const problem = sessionSecretProblem(env);
  if (problem) throw new ApiError('misconfigured', problem);
  return env.SESSION_SECRET;
}

/**
 * The guard for a route open to `minRole` and above. The user is resolved from the session
 * cookie on every request, so a revoked role or ended session takes effect at once. On /api/*
 * an API token (`Authorization: Bearer hq_api_…`) stands instead of the cookie, as
 * `token:<name>` with the token's role (viewer or operator, never admin).
 *
 * `inBatch`: the route checks the session in its own write batch when the session's last full
 * check found a role enough for it (worker/auth/sign-in-in-batch.ts); the guard reads nothing.
 */
export function requireRole(
  minRole: Role,
  reads?: SignInReads,
  options: { inBatch?: boolean } = {},
): MiddlewareHandler<HonoEnv> {
  return async function requireSignedInRole(c, next) {
    const secret = secretOrFail(c.env);
    const token = presentedApiToken(c);
    if (token) return runAsApiToken(c, token, minRole, next);
    if (options.inBatch) {
      const tokenHash = await sessionTokenHash(c, secret);
      const known = tokenHash ? rememberedSession(tokenHash) : undefined;
      // Only a session whose last full check found the role enough: any other is checked now.
      if (tokenHash && known && roleAtLeast(known.role, minRole)) {
        const recheck = () => checkSignedIn(c, secret, minRole);
        c.set('signInToCheck', { tokenHash, email: known.email, minRole, recheck });
        return next();
      }
    }
    await checkSignedIn(c, secret, minRole, reads);
    await next();
  };
}

/** The session's user holds `minRole` or above: set as the request's user, else 401 or 403. */
async function checkSignedIn(
  c: Context<HonoEnv>,
  secret: string,
  minRole: Role,
  reads?: SignInReads,
): Promise<void> {
  const session = await sessionWithGrant(c, secret, reads);
  if (!session) throw new ApiError('unauthenticated', 'Sign in first.');
  const { email } = session;
  const role = roleFrom(c.env, email, session.grant);
  if (!role) throw new ApiError('forbidden', `${email} has no role in HQ.`);
  // For a write route that checks the session in its own batch (sign-in-in-batch.ts).
  rememberSession(session.tokenHash, { email, role });
  if (!roleAtLeast(role, minRole)) {
    throw new ApiError('forbidden', `This needs the ${minRole} role; ${email} is ${role}.`);
  }
  c.set('user', { email, role });
  // The route's first reads, read with the session: handed on only now the role holds.
  if (reads && session.readResults) c.set('signInReads', { reads, results: session.readResults });
}
