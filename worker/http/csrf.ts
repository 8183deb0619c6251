import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { HonoEnv } from '../env';
import { ApiError } from './errors';
import { appOrigin } from './origin';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cookie-authenticated writes must come from the app's own pages. Browsers send Origin on
 * every cross-site write, so a foreign or missing Origin on a request carrying our session
 * cookie is refused; Sec-Fetch-Site is the fallback for clients that omit Origin. The cookie's
 * name comes from the host, since sessions belong to the auth feature, above this layer.
 */
export function csrfProtection(sessionCookie: string): MiddlewareHandler<HonoEnv> {
  return async function csrfProtection(c, next) {
    if (SAFE_METHODS.has(c.req.method) || getCookie(c, sessionCookie) === undefined) {
      return next();
    }
    const origin = c.req.header('origin');
    const fetchSite = c.req.header('sec-fetch-site');
    const sameOrigin = origin ? origin === appOrigin(c) : fetchSite === 'same-origin';
    if (!sameOrigin) {
      throw new ApiError(
        'csrf_rejected',
        `Cross-site request refused: Origin ${origin ?? '(none)'} is not ${appOrigin(c)}.`,
      );
    }
    return next();
  };
}
