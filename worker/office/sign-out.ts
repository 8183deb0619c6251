import type { MiddlewareHandler } from 'hono';
import { sessionTokenHash } from '../auth/session';
import { envValue, type HonoEnv } from '../env';
import { office } from './client';

/**
 * After sign-out or an admin revoking a role (which also ends that person's sessions), the
 * office hub re-checks its sockets at once, so one opened with such a session closes now
 * (4401 signed out, 4403 role revoked) rather than at its next minute check. Mounted by the
 * host: auth and roles sit below the office and do not import it. A sign-out names its own
 * session, so a flood of anonymous sign-outs costs the hub no query at all.
 */
export function recheckOfficeAfterSignOut(): MiddlewareHandler<HonoEnv> {
  return async function recheckOfficeAfterSignOut(c, next) {
    const { method, path } = c.req;
    const signOut = method === 'POST' && path === '/auth/logout';
    const revoke = method === 'DELETE' && path.startsWith('/api/roles/');
    if (!signOut && !revoke) return next();
    const secret = envValue(c.env, 'SESSION_SECRET');
    // Read before the route deletes the cookie's session.
    const session = signOut && secret ? await sessionTokenHash(c, secret) : undefined;
    await next();
    if (c.res.status >= 400 || (signOut && !session)) return;
    await office(c.env)
      .recheck(session)
      .catch((error: unknown) => console.warn(`office recheck failed: ${String(error)}`));
  };
}
