import type { MiddlewareHandler } from 'hono';
import type { Role } from '../../drizzle/schema';
import { sessionSecretProblem } from '../config';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { effectiveRole, type MinRole, roleAtLeast } from './roles';
import { sessionEmail } from './session';

/** Every middleware that decides who may call a route; the route audit test looks for these. */
const guards = new WeakMap<MiddlewareHandler<HonoEnv>, MinRole>();

/** Registers `handler` as the guard enforcing `minRole`, and returns it. */
export function markGuard(minRole: MinRole, handler: MiddlewareHandler<HonoEnv>) {
  guards.set(handler, minRole);
  return handler;
}

/** The role a handler guards for, when it is a guard. */
export function guardedRole(handler: unknown): MinRole | undefined {
  return typeof handler === 'function'
    ? guards.get(handler as MiddlewareHandler<HonoEnv>)
    : undefined;
}

/** Fails closed: without a usable SESSION_SECRET nothing that needs a session can run. */
export function secretOrFail(env: Env): string {
  const problem = sessionSecretProblem(env);
  if (problem) throw new ApiError('misconfigured', problem);
  return env.SESSION_SECRET;
}

const publicGuard = markGuard('public', async function publicRoute(_c, next) {
  await next();
});

/**
 * The guard for a route open to `minRole` and above. The user is resolved from the session
 * cookie on every request, so a revoked role or ended session takes effect at once.
 */
export function requireRole(minRole: 'public' | Role): MiddlewareHandler<HonoEnv> {
  if (minRole === 'public') return publicGuard;
  return markGuard(minRole, async function requireSignedInRole(c, next) {
    const secret = secretOrFail(c.env);
    const email = await sessionEmail(c, secret);
    if (!email) throw new ApiError('unauthenticated', 'Sign in first.');
    const role = await effectiveRole(database(c.env), c.env, email);
    if (!role) throw new ApiError('forbidden', `${email} has no role in HQ.`);
    if (!roleAtLeast(role, minRole)) {
      throw new ApiError('forbidden', `This needs the ${minRole} role; ${email} is ${role}.`);
    }
    c.set('user', { email, role });
    await next();
  });
}
