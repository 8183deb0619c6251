import { announceFailedRuns } from './notify';

// How planning jobs end without a report: a lease that ran out (the runner went silent) or a
// job no runner took. A runner that stops gives its job back with releaseLeasedJob
// (worker/reviews/jobs/views.ts), as review jobs are.

/** Leases of a job before it fails for want of a runner that finishes it. */
export const PLANNING_MAX_ATTEMPTS = 3;

/** A job waits unleased this long (since queued or last leased) before it fails. */
export const PLANNING_QUEUE_LIMIT_MS = 30 * 60_000;

/**
 * Jobs whose runner went silent past the lease: QUEUED again, or FAILED after
 * PLANNING_MAX_ATTEMPTS leases; jobs no runner took within PLANNING_QUEUE_LIMIT_MS: FAILED.
 * One batch; run before each claim and by the cron. The operator hears of each run failed.
 */
export async function expirePlanningLeases(env: Env, now = Date.now()): Promise<void> {
  const db = env.DB;
  const ranOut = "status = 'RUNNING' AND coalesce(lease_until, 0) <= ?";
  const [ranOutFailed, , neverTaken] = await db.batch([
    db
      .prepare(
        `UPDATE planning_jobs SET status = 'FAILED', finished_at = ?, lease_until = NULL,
           error = 'no runner finished the planning run in ' || attempts || ' attempts (each lease ran out)'
         WHERE ${ranOut} AND attempts >= ?`,
      )
      .bind(now, now, PLANNING_MAX_ATTEMPTS),
    db
      .prepare(
        // lease_until stays: the queued job's wait counts from it.
        `UPDATE planning_jobs SET status = 'QUEUED', runner_id = NULL,
           error = 'lease ran out on attempt ' || attempts || ': queued again'
         WHERE ${ranOut}`,
      )
      .bind(now),
    db
      .prepare(
        `UPDATE planning_jobs SET status = 'FAILED', finished_at = ?, lease_until = NULL,
           error = ? WHERE status = 'QUEUED' AND coalesce(lease_until, created_at) <= ?`,
      )
      .bind(
        now,
        `no runner took the planning run in ${PLANNING_QUEUE_LIMIT_MS / 60_000} minutes (none serves its repository and runs its agent's executor)`,
        now - PLANNING_QUEUE_LIMIT_MS,
      ),
  ]);
  if ((ranOutFailed?.meta.changes ?? 0) + (neverTaken?.meta.changes ?? 0) > 0)
    await announceFailedRuns(env, { finishedAt: now });
}

/** A job that cannot run at all (its agent's secrets no longer open): FAILED with why. */
export const failPlanningStatement = (db: D1Database, id: string, error: string, now: number) =>
  db
    .prepare(
      `UPDATE planning_jobs SET status = 'FAILED', error = ?, finished_at = ?, lease_until = NULL
       WHERE id = ? AND status IN ('QUEUED', 'RUNNING')`,
    )
    .bind(error, now, id);
