import { z } from '@hono/zod-openapi';
import { REVIEW_JOB_STATUSES } from '../../../drizzle/schema';
import { ApiError } from '../../http/errors';

/** A review job as the task page shows it. */
export const ReviewJob = z
  .object({
    id: z.string(),
    taskId: z.string(),
    headCommit: z.string(),
    reviewer: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
    status: z.enum(REVIEW_JOB_STATUSES),
    attempts: z.number().int(),
    verdict: z.enum(['approve', 'changes']).nullable(),
    summary: z.string().nullable(),
    error: z.string().nullable(),
    inputTokens: z.number().nullable(),
    outputTokens: z.number().nullable(),
    costUsd: z.number().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('ReviewJob');

interface Row {
  id: string;
  task_id: string;
  head_commit: string;
  reviewer_agent_id: string;
  slug: string;
  name: string;
  status: (typeof REVIEW_JOB_STATUSES)[number];
  attempts: number;
  verdict: 'approve' | 'changes' | null;
  summary: string | null;
  error: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The task's review jobs, newest first; 404 for no such task. */
export async function listReviewJobs(db: D1Database, taskId: string) {
  const task = await db.prepare('SELECT id FROM tasks WHERE id = ?').bind(taskId).first();
  if (!task) throw new ApiError('not_found', `No task ${taskId}.`);
  const { results } = await db
    .prepare(
      `SELECT j.*, a.slug, a.name FROM review_jobs j JOIN agents a ON a.id = j.reviewer_agent_id
       WHERE j.task_id = ? ORDER BY j.created_at DESC, j.rowid DESC LIMIT 50`,
    )
    .bind(taskId)
    .all<Row>();
  return results.map((r) => ({
    id: r.id,
    taskId: r.task_id,
    headCommit: r.head_commit,
    reviewer: { id: r.reviewer_agent_id, slug: r.slug, name: r.name },
    status: r.status,
    attempts: r.attempts,
    verdict: r.verdict,
    summary: r.summary,
    error: r.error,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    costUsd: r.cost_usd,
    createdAt: iso(r.created_at) ?? '',
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
  }));
}

/** The tables of leased jobs (review passes, planning runs) and what their errors call them. */
const LEASED = { review_jobs: 'Review job', planning_jobs: 'Planning job' } as const;

/**
 * A runner gives a leased job back unrun (it is stopping): queued again, the attempt not
 * counted. Review and planning jobs lease alike; `table` says which.
 */
export async function releaseLeasedJob(
  db: D1Database,
  table: keyof typeof LEASED,
  id: string,
  runner: { id: string; name: string },
  reason: string,
) {
  const done = await db
    .prepare(
      `UPDATE ${table} SET status = 'QUEUED', runner_id = NULL, lease_until = ?,
         attempts = max(attempts - 1, 0), error = ? WHERE id = ? AND status = 'RUNNING' AND runner_id = ?`,
    )
    .bind(Date.now(), `given back: ${reason}`, id, runner.id)
    .run();
  if (done.meta.changes !== 1)
    throw new ApiError(
      'conflict',
      `${LEASED[table]} ${id} is not running on runner ${runner.name}.`,
    );
  return { status: 'QUEUED' as const };
}

export const releaseReviewJob = (
  db: D1Database,
  id: string,
  runner: { id: string; name: string },
  reason: string,
) => releaseLeasedJob(db, 'review_jobs', id, runner, reason);
