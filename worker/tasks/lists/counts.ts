import { and, count, type SQL } from 'drizzle-orm';
import { TASK_STATUSES, type TaskStatus, taskCounts, tasks } from '../../../drizzle/schema';
import type { database } from '../../db/client';

export interface TaskCounts {
  byStatus: Record<TaskStatus, number>;
  toReview: number;
  awaitingMerge: number;
  total: number;
}

/**
 * Tasks per state, with REVIEW split by verdict. Unfiltered, from task_counts, which triggers
 * on tasks keep (a few rows, whatever the number of tasks); filtered, one GROUP BY over
 * (status, verdict) of the tasks the filters' indexes find.
 */
export async function countTasks(
  db: ReturnType<typeof database>,
  where: SQL[],
): Promise<TaskCounts> {
  const rows = where.length
    ? await db
        .select({ status: tasks.status, verdict: tasks.verdict, n: count() })
        .from(tasks)
        .where(and(...where))
        .groupBy(tasks.status, tasks.verdict)
        .all()
    : await db
        .select({ status: taskCounts.status, verdict: taskCounts.verdict, n: taskCounts.n })
        .from(taskCounts)
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
    if (!row.verdict) toReview += row.n;
    else if (row.verdict === 'approve') awaitingMerge += row.n;
  }
  const total = rows.reduce((sum, row) => sum + row.n, 0);
  return { byStatus, toReview, awaitingMerge, total };
}
