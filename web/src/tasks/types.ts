import type { GetOk, Schema } from '../api/schema';

export { TASK_STATUSES as TASK_STATES } from '../../../drizzle/schema/states';

/** A task as the API answers it. */
export type Task = Schema<'Task'>;

/** One status change in a task's history (GET /api/tasks/{id}). */
export type TaskEvent = GetOk<'/api/tasks/{id}'>['events'][number];

/** Review is needed when a task waits in REVIEW without a verdict. */
export const needsReview = (t: Task) => t.status === 'REVIEW' && t.verdict === null;
