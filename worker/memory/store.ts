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
