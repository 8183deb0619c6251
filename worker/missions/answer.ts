import { getTableColumns } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { missions, tasks } from '../../drizzle/schema';
import { missionSpentStatements, spentFrom } from '../budgets/spent';
import { ApiError } from '../http/errors';
import { taskView } from '../tasks/views';
import { missionView } from './views';

/**
 * A row of `SELECT *` on `table` as Drizzle would give it (camelCase keys, JSON parsed,
 * flags as booleans), so a raw D1 batch that writes can read rows back in the same batch.
 */
export function fromRaw<T extends SQLiteTable>(table: T, raw: unknown): T['$inferSelect'] {
  const source = raw as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = source[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T['$inferSelect'];
}

/**
 * What the mission's answer reads, as statements: its row, its tasks in the plan's order,
 * and its spend. A write appends them to its last batch, after its writes, so the answer
 * shows what it did without a round trip of its own; `detailFrom` reads their results.
 */
export function detailStatements(db: D1Database, id: string): D1PreparedStatement[] {
  return [
    db.prepare('SELECT * FROM missions WHERE id = ?').bind(id),
    db.prepare('SELECT * FROM tasks WHERE mission_id = ? ORDER BY created_at').bind(id),
    ...missionSpentStatements(db, id),
  ];
}

/** The mission's answer from the results of `detailStatements`, in their order. */
export function detailFrom(id: string, results: D1Result<unknown>[]) {
  const [row, rows, ledger, flight] = results;
  const raw = row?.results[0];
  if (!raw) throw new ApiError('not_found', `No mission ${id}.`);
  const mission = fromRaw(missions, raw);
  const spent = spentFrom(ledger, flight);
  return {
    row: mission,
    view: {
      ...missionView(mission, spent),
      tasks: (rows?.results ?? []).map((task) => taskView(fromRaw(tasks, task))),
      spent,
    },
  };
}

export type Detail = ReturnType<typeof detailFrom>;

/**
 * A mission with its tasks and spend, as GET shows it; the write routes answer with it too.
 * One round trip (`detailStatements` in a batch): each write route answers with this, or
 * with its statements in its own batch, so its round trips are on the core path (`npm run bench`).
 */
export async function detail(env: Env, id: string): Promise<Detail> {
  return detailFrom(id, await env.DB.batch(detailStatements(env.DB, id)));
}
