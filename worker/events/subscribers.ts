import type { Context, MiddlewareHandler } from 'hono';
import type { HonoEnv } from '../env';

/**
 * Everything that follows the domain event feed, by name, told to read it now. The outbox in
 * D1 is the record; a poke only makes a follower notice sooner than its own clock would. The
 * hosts list them (durable-objects/followers.ts): the followers sit above the feed.
 */
export type Followers = Readonly<Record<string, (env: Env) => Promise<unknown>>>;

/**
 * Pokes every follower of the feed; resolves when all have answered or failed. A follower
 * that cannot be reached is logged and skipped, never allowed to fail the write that poked.
 */
export async function pokeFollowers(env: Env, followers: Followers): Promise<void> {
  await Promise.all(
    Object.entries(followers).map(([name, poke]) =>
      poke(env).catch((error: unknown) => console.warn(`${name} poke failed: ${String(error)}`)),
    ),
  );
}

/**
 * Writes that add nothing to the feed, only an item to the CEO's queue, which starts on it by
 * itself: nobody is poked. A poke per update of a burst cost more than acknowledging it
 * (`npm run bench`: 200 concurrent Telegram updates).
 */
const UNPOKED_PATHS = new Set(['/telegram/webhook']);
/**
 * A run log batch (every second or two per running task) writes to R2 only: no event, and
 * nothing the office shows (the heartbeat carries the last line, and pokes).
 */
const UNPOKED_PATTERN = /^\/api\/runner\/tasks\/[^/]+\/logs$/;

/** After every successful write request, the followers read the new events (after the response). */
export function pokeFollowersAfterWrites(followers: Followers): MiddlewareHandler<HonoEnv> {
  return async function pokeFollowersAfterWrite(c, next) {
    await next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return;
    if (c.res.status >= 400) return;
    if (UNPOKED_PATHS.has(c.req.path) || UNPOKED_PATTERN.test(c.req.path)) return;
    waitUntil(c, pokeFollowers(c.env, followers));
  };
}

function waitUntil(c: Context<HonoEnv>, work: Promise<unknown>) {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (app.request in a unit test): let it run on its own.
  }
}
