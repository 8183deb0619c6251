import type { MiddlewareHandler } from 'hono';
import type { HonoEnv } from '../env';

/**
 * Says how long the worker spent on each request (`Server-Timing: app;dur=<ms>`), so the
 * benchmark can tell HQ's own time from the time of the network and the local dev proxy.
 */
export function serverTiming(): MiddlewareHandler<HonoEnv> {
  return async function serverTiming(c, next) {
    const start = performance.now();
    await next();
    c.res.headers.set('server-timing', `app;dur=${(performance.now() - start).toFixed(2)}`);
  };
}
