import type { MiddlewareHandler } from 'hono';
import type { Role } from '../../drizzle/schema';
import { sessionSecretProblem } from '../config';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import type { SignInReads } from '../http/sign-in-reads';
import { presentedApiToken, runAsApiToken } from './api-tokens/bearer';
import { bootstrapRole, roleAtLeast } from './roles';
import { sessionWithGrant } from './session';

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
 */
export function requireRole(minRole: Role, reads?: SignInReads): MiddlewareHandler<HonoEnv> {
  return async function requireSignedInRole(c, next) {
    const secret = secretOrFail(c.env);
    const token = presentedApiToken(c);
    if (token) return runAsApiToken(c, token, minRole, next);
    const session = await sessionWithGrant(c, secret, reads);
    if (!session) throw new ApiError('unauthenticated', 'Sign in first.');
    const { email } = session;
    // A stored grant wins (null: revoked), else the env lists, as effectiveRole() says.
    const role =
      session.grant === undefined ? bootstrapRole(c.env, email) : (session.grant ?? undefined);
    if (!role) throw new ApiError('forbidden', `${email} has no role in HQ.`);
    if (!roleAtLeast(role, minRole)) {
      throw new ApiError('forbidden', `This needs the ${minRole} role; ${email} is ${role}.`);
    }
    c.set('user', { email, role });
    // The route's first reads, read with the session: handed on only now the role holds.
    if (reads && session.readResults) c.set('signInReads', { reads, results: session.readResults });
    await next();
  };
}
