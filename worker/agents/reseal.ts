import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { agents } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import { currentKeyPrefix, resealed, sealedStanding, UnreadableSecretError } from '../secrets/seal';
import { recordedShape, serverNames } from './unreadable';

/** An agent whose sealed MCP servers no key opens, and which servers those are. */
export interface UnreadableAgent {
  slug: string;
  servers: string[];
}

export interface ResealReport {
  resealed: number;
  alreadyCurrent: number;
  unreadable: number;
  unreadableAgents: UnreadableAgent[];
}

type SealedRow = { id: string; slug: string; revision: number; sealed: string };

const sealedColumns = {
  id: agents.id,
  slug: agents.slug,
  revision: agents.revision,
  sealed: sql<string>`${agents.mcpServersSealed}`,
};

async function describeUnreadable(env: Env, row: SealedRow): Promise<UnreadableAgent> {
  const shape = await recordedShape(env, { ...row, mcpServersSealed: row.sealed });
  return { slug: row.slug, servers: serverNames(shape.unreadable) };
}

/**
 * Re-seals every sealed value (today: each agent's MCP servers, archived agents included)
 * under the current ENCRYPTION_KEY, and audits the counts, never a value. Idempotent: a value
 * already under the current key is left alone. It runs here rather than through each agent's
 * Durable Object because it changes no config and makes no revision; each write is a
 * compare-and-swap on the sealed text, so an edit landing meanwhile is never overwritten (that
 * edit sealed under the current key itself, so it counts as already current).
 */
export async function resealAgentSecrets(
  env: Env,
  by: { actor: string; requestId: string },
): Promise<ResealReport> {
  const db = database(env);
  const rows = await db
    .select(sealedColumns)
    .from(agents)
    .where(isNotNull(agents.mcpServersSealed))
    .all();
  const report: ResealReport = {
    resealed: 0,
    alreadyCurrent: 0,
    unreadable: 0,
    unreadableAgents: [],
  };
  const writes: BatchItem<'sqlite'>[] = [];
  for (const row of rows) {
    try {
      const next = await resealed(env, row.sealed);
      if (next === null) {
        report.alreadyCurrent++;
        continue;
      }
      writes.push(
        db
          .update(agents)
          .set({ mcpServersSealed: next })
          .where(and(eq(agents.id, row.id), eq(agents.mcpServersSealed, row.sealed))),
      );
    } catch (error) {
      if (!(error instanceof UnreadableSecretError)) throw error;
      report.unreadable++;
      report.unreadableAgents.push(await describeUnreadable(env, row));
    }
  }
  const [first, ...rest] = writes;
  if (first) {
    const results = (await db.batch([first, ...rest])) as { meta: { changes: number } }[];
    for (const result of results) {
      if (result.meta.changes === 1) report.resealed++;
      else report.alreadyCurrent++;
    }
  }
  // After the writes, because the counts come from their outcome. Should this insert fail,
  // running the reseal again is harmless and audits it then.
  await auditRow(db, {
    ...by,
    action: 'secrets.reseal',
    entityType: 'secrets',
    entityId: 'agents.mcpServers',
    summary: { ...report },
  });
  return report;
}

/** At most this many values not under the current key are examined per health check. */
const HEALTH_SCAN_LIMIT = 100;

export interface SealedHealth {
  /** Agents whose sealed values no key opens (at most HEALTH_SCAN_LIMIT looked at). */
  unreadable: SealedRow[];
  /** Values that open, but only with an old key or in the old format: the reseal fixes them. */
  stale: number;
  /** More values than the scan limit are not under the current key. */
  truncated: boolean;
}

/**
 * How the sealed values stand, cheaply enough for every health check: values under the
 * current key (every write and every reseal makes one) are skipped in SQL by their key-id
 * prefix, so in a settled deployment the query returns nothing and nothing is decrypted. Of
 * the rest (bounded), a value's key id alone says whether a configured key sealed it; only
 * legacy values without one are decrypted.
 */
export async function sealedHealth(env: Env): Promise<SealedHealth> {
  const prefix = await currentKeyPrefix(env);
  const rows = await database(env)
    .select(sealedColumns)
    .from(agents)
    .where(
      and(
        isNotNull(agents.mcpServersSealed),
        sql`substr(${agents.mcpServersSealed}, 1, ${prefix.length}) != ${prefix}`,
      ),
    )
    .limit(HEALTH_SCAN_LIMIT + 1)
    .all();
  const scanned = rows.slice(0, HEALTH_SCAN_LIMIT);
  const health: SealedHealth = {
    unreadable: [],
    stale: 0,
    truncated: rows.length > HEALTH_SCAN_LIMIT,
  };
  for (const row of scanned) {
    if ((await sealedStanding(env, row.sealed)) === 'unreadable') health.unreadable.push(row);
    else health.stale++;
  }
  return health;
}

/** Names the first few unreadable agents and their servers, for the health message. */
export function nameUnreadable(env: Env, rows: SealedRow[]): Promise<UnreadableAgent[]> {
  return Promise.all(rows.map((row) => describeUnreadable(env, row)));
}
