import type { MiddlewareHandler } from 'hono';
import type { HonoEnv } from '../env';
import { SECURITY_HEADERS, STRICT_TRANSPORT_SECURITY } from './security-policy';

/**
 * Puts the security headers on every response the worker makes. A handler that set its own
 * Content-Security-Policy (the sign-in error page) keeps it; HSTS only goes out over https.
 */
export function securityHeaders(): MiddlewareHandler<HonoEnv> {
  return async function securityHeaders(c, next) {
    await next();
    // A WebSocket upgrade (101) carries no page, and its headers cannot be changed.
    if (c.res.status === 101) return;
    const headers = c.res.headers;
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      if (!headers.has(name)) headers.set(name, value);
    if (new URL(c.req.url).protocol === 'https:')
      headers.set('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
  };
}
