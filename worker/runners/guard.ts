import type { Context, MiddlewareHandler } from 'hono';
import { runners } from '../../drizzle/schema';
import { sha256 } from '../auth/crypto';
import { columnsOf, rowOf } from '../db/rows';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { offerOf } from './capabilities';

/** How stale a runner's `last_seen_at` may get before a contact writes it again. */
export const SEEN_EVERY_MS = 15_000;

/** Runner tokens carry a prefix so a leaked one is recognisable in logs and scanners. */
export const TOKEN_PREFIX = 'hqr_';

const UNKNOWN = 'Unknown or revoked runner token.';

/** The SHA-256 of the request's runner token (the column runners are found by); 401 without one. */
async function tokenHashOf(c: Context<HonoEnv>): Promise<string> {
  const header = c.req.header('authorization') ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!token.startsWith(TOKEN_PREFIX)) {
    throw new ApiError('unauthenticated', 'Send the runner token as Authorization: Bearer hqr_...');
  }
  return sha256(token);
}

/**
 * The live runner a token hash names, as SQL, for a statement that must act only for it:
 * inside one batch the check and the write are one transaction, so a revoked token writes
 * nothing. `param` is the placeholder bound to the hash.
 */
export const liveRunnerSql = (param: string) =>
  `(SELECT id FROM runners WHERE token_hash = ${param} AND revoked_at IS NULL)`;

/** The statements that identify the runner inside a route's own batch (see `admitRunner`). */
export function runnerStatements(db: D1Database, tokenHash: string, now: number) {
  return [
    db
      .prepare(
        `SELECT ${columnsOf(runners, 'r')} FROM runners r WHERE r.token_hash = ? AND r.revoked_at IS NULL`,
      )
      .bind(tokenHash),
    // Contact is recorded at most every SEEN_EVERY_MS: a write per heartbeat and claim cost
    // more than the beat itself, and "gone" means silent for minutes (RUNNER_GONE_MS).
    db
      .prepare(
        `UPDATE runners SET last_seen_at = ?1
         WHERE token_hash = ?2 AND revoked_at IS NULL AND coalesce(last_seen_at, 0) <= ?1 - ?3`,
      )
      .bind(now, tokenHash, SEEN_EVERY_MS),
  ];
}

/** Sets the request's runner from its row as `runnerStatements` read it; 401 when there was none. */
export function admitRunner(c: Context<HonoEnv>, raw: Record<string, unknown> | undefined) {
  if (!raw) throw new ApiError('unauthenticated', UNKNOWN);
  const runner = rowOf(runners, raw);
  c.set('runner', { id: runner.id, name: runner.name, offer: offerOf(runner) });
}

/** The guard of the runner API: a bearer token whose SHA-256 names a live runner. */
export const requireRunner: MiddlewareHandler<HonoEnv> = async function requireRunner(c, next) {
  const [found] = await c.env.DB.batch<Record<string, unknown>>(
    runnerStatements(c.env.DB, await tokenHashOf(c), Date.now()),
  );
  admitRunner(c, found?.results[0]);
  await next();
};

/**
 * The guard of a runner route that checks the token in its own D1 batch (the heartbeat and
 * the claim, on the core path): here only the token's presence and hash; the route runs
 * `runnerStatements` first in its batch, names the runner in its statements as the live
 * holder of the hash (`liveRunnerSql`), then calls `admitRunner`. One round trip fewer. A bad
 * body is answered 400 before an unknown token's 401.
 */
export const runnerTokenOnly: MiddlewareHandler<HonoEnv> = async function runnerTokenOnly(c, next) {
  c.set('runnerTokenHash', await tokenHashOf(c));
  await next();
};
