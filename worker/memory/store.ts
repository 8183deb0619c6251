import { and, eq, isNull } from 'drizzle-orm';
import { memoryItems } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import { database } from '../db/client';

export type MemoryRow = typeof memoryItems.$inferSelect;
type By = { actor: string; requestId: string };

export async function findMemory(env: Env, id: string): Promise<MemoryRow | undefined> {
  return database(env).select().from(memoryItems).where(eq(memoryItems.id, id)).get();
}

/** Marks an item resolved (an open loop closed), audited; resolving twice changes nothing. */
export async function resolveMemory(env: Env, row: MemoryRow, by: By): Promise<void> {
  if (row.resolvedAt !== null) return;
  const db = database(env);
  await db.batch([
    db
      .update(memoryItems)
      .set({ resolvedAt: Date.now() })
      .where(and(eq(memoryItems.id, row.id), isNull(memoryItems.resolvedAt))),
    auditRow(db, {
      ...by,
      action: 'memory.resolve',
      entityType: 'memory',
      entityId: row.id,
      summary: { kind: row.kind },
    }),
  ]);
}

/** Forgets an item, audited. */
export async function deleteMemory(env: Env, row: MemoryRow, by: By): Promise<void> {
  const db = database(env);
  await db.batch([
    db.delete(memoryItems).where(eq(memoryItems.id, row.id)),
    auditRow(db, {
      ...by,
      action: 'memory.delete',
      entityType: 'memory',
      entityId: row.id,
      summary: { kind: row.kind },
    }),
  ]);
}

/** What a new conversation starts with: the decisions of the last six conversations, every open loop, recent preferences. */
export async function memoryContext(env: Env) {
  const [decisions, openLoops, preferences] = await env.DB.batch([
    env.DB.prepare(
      `SELECT m.id, m.content, m.conversation_id AS conversationId, m.source_email AS sourceEmail, m.created_at AS createdAt
       FROM memory_items m WHERE m.kind = 'decision' AND m.resolved_at IS NULL AND m.conversation_id IN (
         SELECT id FROM conversations WHERE extraction IN ('done', 'empty') ORDER BY last_message_at DESC LIMIT 6)
       ORDER BY m.created_at`,
    ),
    env.DB.prepare(
      `SELECT id, content, conversation_id AS conversationId, source_email AS sourceEmail, created_at AS createdAt FROM memory_items
       WHERE kind = 'open_loop' AND resolved_at IS NULL ORDER BY created_at`,
    ),
    env.DB.prepare(
      `SELECT id, content, conversation_id AS conversationId, source_email AS sourceEmail, created_at AS createdAt FROM memory_items
       WHERE kind = 'preference' AND resolved_at IS NULL ORDER BY created_at DESC LIMIT 20`,
    ),
  ]);
  type Item = {
    id: string;
    content: string;
    conversationId: string | null;
    sourceEmail: string | null;
    createdAt: number;
  };
  return {
    decisions: (decisions?.results ?? []) as Item[],
    openLoops: (openLoops?.results ?? []) as Item[],
    preferences: (preferences?.results ?? []) as Item[],
  };
}
