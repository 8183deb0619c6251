import { z } from '@hono/zod-openapi';
import { and, eq, gt, lt, or, type SQL } from 'drizzle-orm';
import { tasks } from '../../../drizzle/schema';

/**
 * A page's place in a task list: `<createdAt>.<id>` of its last task. The id settles tasks
 * created in the same millisecond, so no task is skipped or shown twice across pages. A bare
 * number (the older cursor, createdAt alone) is still read.
 */
export const CursorParam = z
  .string()
  .max(140)
  .regex(/^\d{1,15}(\..{1,100})?$/, 'must be the nextCursor of a previous page')
  .describe('The nextCursor of the previous page: `<createdAt>.<id>` (a bare number also works).');

export type Order = 'newest' | 'oldest';

export function cursorOf(row: { createdAt: number; id: string }): string {
  return `${row.createdAt}.${row.id}`;
}

/** The condition for the rows after `cursor` in `order`. */
export function afterCursor(cursor: string, order: Order): SQL | undefined {
  const dot = cursor.indexOf('.');
  const at = Number(dot < 0 ? cursor : cursor.slice(0, dot));
  const before = order === 'newest' ? lt : gt;
  if (dot < 0) return before(tasks.createdAt, at);
  const id = cursor.slice(dot + 1);
  // Written out rather than as a row value so drizzle binds both; SQLite still reads it as
  // one range of the (…, created_at, id) indexes.
  return or(before(tasks.createdAt, at), and(eq(tasks.createdAt, at), before(tasks.id, id)));
}
