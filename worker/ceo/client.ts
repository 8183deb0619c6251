import type { Context, MiddlewareHandler } from 'hono';
import type { HonoEnv } from '../env';

/** The company's one CEO. */
export function ceo(env: Env) {
  return env.CEO.getByName('ceo');
}

/**
 * After every write request, tell the CEO to read the new domain events. The outbox in D1
 * is the record; this only makes the CEO notice sooner than its own clock would. Runs after
 * the response, and a failure here never fails the request.
 */
export function pokeCeoAfterWrites(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return;
    if (c.res.status >= 400) return;
    const poke = ceo(c.env)
      .poke()
      .catch((error: unknown) => console.warn(`CEO poke failed: ${String(error)}`));
    waitUntil(c, poke);
  };
}

function waitUntil(c: Context<HonoEnv>, work: Promise<unknown>) {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (app.request in a unit test): let it run on its own.
  }
}
