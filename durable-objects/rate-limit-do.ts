import { DurableObject } from 'cloudflare:workers';
import type { LimitVerdict } from '../worker/limits/rate-limits';

/**
 * One counter per (scope, key), e.g. "chat:ada@example.com" or "sign-in:203.0.113.7",
 * named by `getByName`. Why a Durable Object rather than Cloudflare's rate-limiting binding:
 * the binding's period is 10 or 60 seconds only (chat turns and media are counted per hour),
 * its limits are fixed in wrangler.toml (ours are settings an admin changes), and it counts
 * per Cloudflare location, approximately, answering yes or no with no time to retry (we owe
 * clients a Retry-After). Why not a D1 table: a flood of unauthenticated
 * sign-in starts would then write to the one D1 primary per hit, the very thing being
 * limited. One object per key is exact (single-threaded), spreads across the network and
 * costs nothing once its window has passed: the alarm deletes its storage.
 *
 * A sliding log: the times of the hits still inside the window (at most `limit` of them),
 * so Retry-After is exact. A refused hit is not counted: waiting it out always works.
 */
export class RateLimitDO extends DurableObject<Env> {
  async hit(limit: number, windowMs: number, now = Date.now()): Promise<LimitVerdict> {
    const kv = this.ctx.storage.kv;
    const recent = (kv.get<number[]>('hits') ?? []).filter((at) => at > now - windowMs);
    if (recent.length >= limit) {
      const oldest = recent[recent.length - limit] ?? now;
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
      return { allowed: false, retryAfterSeconds };
    }
    recent.push(now);
    kv.put('hits', recent);
    await this.ctx.storage.setAlarm(now + windowMs);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /**
   * What a hit reads into memory: the times still stored, at most `limit` (a refused hit is
   * not stored), and none once the window has passed. Nothing is held between calls.
   */
  async memoryFootprint() {
    return { hits: this.ctx.storage.kv.get<number[]>('hits')?.length ?? 0 };
  }

  /** Nothing counted for a whole window: forget the key. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
