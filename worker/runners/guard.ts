import { and, eq, isNull } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { runners } from '../../drizzle/schema';
import { sha256 } from '../auth/crypto';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { offerOf } from './capabilities';

/** How stale a runner's `last_seen_at` may get before a contact writes it again. */
export const SEEN_EVERY_MS = 15_000;

/** Runner tokens carry a prefix so a leaked one is recognisable in logs and scanners. */
export const TOKEN_PREFIX = 'hqr_';

/** The guard of the runner API: a bearer token whose SHA-256 names a live runner. */
export const requireRunner: MiddlewareHandler<HonoEnv> = async function requireRunner(c, next) {
  const header = c.req.header('authorization') ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!token.startsWith(TOKEN_PREFIX)) {
    throw new ApiError('unauthenticated', 'Send the runner token as Authorization: Bearer hqr_...');
  }
  const db = database(c.env);
  const runner = await db
    .select({
      id: runners.id,
      name: runners.name,
      lastSeenAt: runners.lastSeenAt,
      capabilities: runners.capabilities,
      repositories: runners.repositories,
    })
    .from(runners)
    .where(and(eq(runners.tokenHash, await sha256(token)), isNull(runners.revokedAt)))
    .get();
  if (!runner) throw new ApiError('unauthenticated', 'Unknown or revoked runner token.');
  c.set('runner', { id: runner.id, name: runner.name, offer: offerOf(runner) });
  // Contact is recorded at most every SEEN_EVERY_MS: a write per heartbeat and claim cost
  // more than the beat itself, and "gone" means silent for minutes (RUNNER_GONE_MS).
  const now = Date.now();
  if (now - (runner.lastSeenAt ?? 0) >= SEEN_EVERY_MS) {
    c.executionCtx.waitUntil(
      db.update(runners).set({ lastSeenAt: now }).where(eq(runners.id, runner.id)).run(),
    );
  }
  await next();
};
