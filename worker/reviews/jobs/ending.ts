import { taskFirstReviewedStatement } from '../../events/outbox';

/** The facts of a job that its end needs (the event names the reviewer by slug). */
export interface JobFacts {
  id: string;
  taskId: string;
  headCommit: string;
  reviewerSlug: string;
}

/**
 * A job that ends without a verdict, from `from` (RUNNING or QUEUED): FAILED with why, and
 * the task.first_reviewed event saying so (a person reviews alone now), written only if
 * this update won. `guard`: a further SQL condition on the job row.
 */
export function failJobStatements(
  db: D1Database,
  job: JobFacts,
  error: string,
  now: number,
  guard: { sql: string; values: (string | number)[] } = { sql: '1', values: [] },
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE review_jobs SET status = 'FAILED', error = ?, finished_at = ?, lease_until = NULL
         WHERE id = ? AND status IN ('QUEUED', 'RUNNING') AND (${guard.sql})`,
      )
      .bind(error, now, job.id, ...guard.values),
    taskFirstReviewedStatement(
      db,
      {
        taskId: job.taskId,
        jobId: job.id,
        headCommit: job.headCommit,
        reviewer: job.reviewerSlug,
        verdict: null,
        summary: null,
        error,
        sentBack: false,
        autoApproved: false,
      },
      now,
      'changes() = 1',
    ),
  ];
}

/** How many times a job is leased before it fails for want of a runner that finishes it. */
export const MAX_ATTEMPTS = 3;

/**
 * How long a job may wait unleased (since it was queued or last leased): no runner that
 * serves its repository can run its reviewer. It fails then, so the person who reviews is
 * told (the CEO holds the ready-for-review message while a job is open).
 */
export const QUEUE_LIMIT_MS = 30 * 60_000;

interface Expired {
  id: string;
  task_id: string;
  head_commit: string;
  slug: string;
  attempts: number;
}

/**
 * Jobs whose runner went silent past their lease: back to QUEUED, or FAILED once they were
 * leased MAX_ATTEMPTS times; and jobs no runner took within QUEUE_LIMIT_MS: FAILED. Run
 * before each claim and by the cron sweep.
 */
export async function expireReviewLeases(db: D1Database, now = Date.now()): Promise<void> {
  const { results } = await db
    .prepare(
      `SELECT j.id, j.task_id, j.head_commit, a.slug, j.attempts, j.status FROM review_jobs j
       JOIN agents a ON a.id = j.reviewer_agent_id
       WHERE (j.status = 'RUNNING' AND coalesce(j.lease_until, 0) <= ?1)
         OR (j.status = 'QUEUED' AND coalesce(j.lease_until, j.created_at) <= ?2)`,
    )
    .bind(now, now - QUEUE_LIMIT_MS)
    .all<Expired & { status: string }>();
  const stale = { sql: "status = 'RUNNING' AND coalesce(lease_until, 0) <= ?", values: [now] };
  for (const row of results) {
    const job = {
      id: row.id,
      taskId: row.task_id,
      headCommit: row.head_commit,
      reviewerSlug: row.slug,
    };
    if (row.status === 'QUEUED') {
      const error = `no runner took the review in ${QUEUE_LIMIT_MS / 60_000} minutes (none serves its repository and runs ${row.slug}'s executor)`;
      await db.batch(
        failJobStatements(db, job, error, now, { sql: "status = 'QUEUED'", values: [] }),
      );
    } else if (row.attempts >= MAX_ATTEMPTS) {
      const error = `no runner finished the review in ${MAX_ATTEMPTS} attempts (each lease ran out)`;
      await db.batch(failJobStatements(db, job, error, now, stale));
    } else {
      await db
        .prepare(
          // lease_until stays: a queued job waits from then (QUEUE_LIMIT_MS).
          `UPDATE review_jobs SET status = 'QUEUED', runner_id = NULL,
             error = ? WHERE id = ? AND ${stale.sql}`,
        )
        .bind(`lease ran out on attempt ${row.attempts}: queued again`, row.id, now)
        .run();
    }
  }
}
