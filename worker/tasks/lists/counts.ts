import { and, count, type SQL } from 'drizzle-orm';
import { TASK_STATUSES, type TaskStatus, tasks } from '../../../drizzle/schema';
import type { database } from '../../db/client';

export interface TaskCounts {
  byStatus: Record<TaskStatus, number>;
  toReview: number;
  awaitingMerge: number;
  total: number;
}

/**
 * Tasks per state, with REVIEW split by verdict: one GROUP BY over (status, verdict), which
 * tasks_status_verdict_idx covers, so the unfiltered count reads the index and no row.
 */
export async function countTasks(
  db: ReturnType<typeof database>,
  where: SQL[],
): Promise<TaskCounts> {
  const rows = await db
    .select({ status: tasks.status, verdict: tasks.verdict, n: count() })
    .from(tasks)
    .where(and(...where))
    .groupBy(tasks.status, tasks.verdict)
    .all();
  const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<
    TaskStatus,
    number
  >;
  let toReview = 0;
  let awaitingMerge = 0;
  for (const row of rows) {
    byStatus[row.status] += row.n;
    if (row.status !== 'REVIEW') continue;
    if (row.verdict === null) toReview += row.n;
    else if (row.verdict === 'approve') awaitingMerge += row.n;
  }
  const total = rows.reduce((sum, row) => sum + row.n, 0);
  return { byStatus, toReview, awaitingMerge, total };
}
