import { liveRunnerCanRun, RUNNER_GONE_MS } from '../../tasks/runner-waits';

// Who reviews a task first when it reaches REVIEW: an agent of type REVIEWER that may work
// now and that a live runner can run, never the task's own agent (nobody reviews their own
// work). With several, the one with the fewest open jobs, then the oldest. The decision is
// read before the report's batch, so its job goes in with the move, and its line goes in the
// move's reason (the task's timeline).

interface ReviewerRow {
  id: string;
  slug: string;
  usable: number;
  runnable: number;
  open_jobs: number;
}

export type ReviewerChoice =
  | { reviewer: { id: string; slug: string }; note: string }
  | { reviewer: null; note: string | null };

/**
 * The reviewer for task `taskId` (of agent `ownAgentId`) at `now`, or why a person reviews
 * alone. A reviewer is chosen only when a live runner serving the task's repository can run
 * its executor: a job nobody can run would hold back the ready-for-review message.
 */
export async function chooseReviewer(
  db: D1Database,
  taskId: string,
  ownAgentId: string | null,
  now: number,
): Promise<ReviewerChoice> {
  const { results } = await db
    .prepare(
      `SELECT a.id, a.slug,
         (a.worker_enabled = 1 AND coalesce(a.cooldown_until, 0) <= ?1) AS usable,
         ${liveRunnerCanRun(
           `(SELECT m.repository FROM tasks t
           JOIN missions m ON m.id = t.mission_id WHERE t.id = ?3)`,
           '?2',
         )} AS runnable,
         (SELECT count(*) FROM review_jobs j WHERE j.reviewer_agent_id = a.id
            AND j.status IN ('QUEUED', 'RUNNING')) AS open_jobs
       FROM agents a WHERE a.type = 'REVIEWER' AND a.archived_at IS NULL
       ORDER BY open_jobs, a.created_at, a.id`,
    )
    .bind(now, now - RUNNER_GONE_MS, taskId)
    .all<ReviewerRow>();
  // No reviewer agent at all: review is a person's, as it always was; nothing to say.
  if (!results.length) return { reviewer: null, note: null };
  const others = results.filter((r) => r.id !== ownAgentId);
  if (!others.length) return { reviewer: null, note: 'no other reviewer agent: a person reviews' };
  const usable = others.filter((r) => r.usable);
  const names = (rows: ReviewerRow[]) => rows.map((r) => r.slug).join(', ');
  if (!usable.length)
    return {
      reviewer: null,
      note: `no reviewer agent may work now (${names(others)} paused or cooling down): a person reviews`,
    };
  const chosen = usable.find((r) => r.runnable);
  if (!chosen)
    return {
      reviewer: null,
      note: `no runner serving the repository can run reviewer agent ${names(usable)}: a person reviews`,
    };
  return {
    reviewer: { id: chosen.id, slug: chosen.slug },
    note: `reviewer agent ${chosen.slug} reviews first`,
  };
}

/**
 * The job's insert, written only while the task is in REVIEW at `head` (the move of the same
 * batch happened) and no open job for that head exists yet.
 */
export function queueJobStatement(
  db: D1Database,
  taskId: string,
  head: string,
  reviewerId: string,
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO review_jobs (id, task_id, head_commit, reviewer_agent_id, status, attempts, created_at)
       SELECT ?1, ?2, ?3, ?4, 'QUEUED', 0, ?5
       WHERE EXISTS (SELECT 1 FROM tasks WHERE id = ?2 AND status = 'REVIEW' AND head_commit = ?3)
         AND NOT EXISTS (SELECT 1 FROM review_jobs WHERE task_id = ?2 AND head_commit = ?3
                         AND status IN ('QUEUED', 'RUNNING'))`,
    )
    .bind(crypto.randomUUID(), taskId, head, reviewerId, now);
}
