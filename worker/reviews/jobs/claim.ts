import { eq } from 'drizzle-orm';
import { agents, tasks } from '../../../drizzle/schema';
import { database } from '../../db/client';
import { getPatch } from '../../patches/store';
import { cancelReviewJobsStatement } from '../../tasks/transition';
import { expireReviewLeases, failJobStatements, type JobFacts } from './ending';

/** What a runner offers: the executor presets it declared and the repositories it serves. */
export interface ReviewOffer {
  presets: string[];
  repositories: string[];
}

interface Candidate {
  id: string;
  task_id: string;
  head_commit: string;
  reviewer_agent_id: string;
  slug: string;
  timeout_seconds: number;
  title: string;
  brief: string;
  repository: string;
}

/** Leases run this long past the job's timeout before another runner may take it. */
const LEASE_SLACK_SECONDS = 60;

/**
 * Leases the oldest queued review job this runner can run: its task's repository is one the
 * runner serves, and its reviewer has no executor (the runner's default runs it) or one of
 * the declared presets. Jobs whose task left REVIEW, was decided or moved to another head are
 * cancelled first, and expired leases requeued. A job with no patch stored fails (nothing to
 * read). The update is guarded (QUEUED only), so two runners never lease the same job.
 */
export async function leaseReviewJob(env: Env, runnerId: string, offer: ReviewOffer) {
  const db = env.DB;
  const now = Date.now();
  await expireReviewLeases(db, now);
  await db
    .prepare(
      `UPDATE review_jobs SET status = 'CANCELLED', error = 'cancelled: the task is no longer waiting in REVIEW at this head', finished_at = ?
       WHERE status IN ('QUEUED', 'RUNNING') AND NOT EXISTS (SELECT 1 FROM tasks t
         WHERE t.id = review_jobs.task_id AND t.status = 'REVIEW' AND t.verdict IS NULL
           AND t.head_commit = review_jobs.head_commit)`,
    )
    .bind(now)
    .run();
  const { results } = await db
    .prepare(
      `SELECT j.id, j.task_id, j.head_commit, j.reviewer_agent_id, a.slug, t.timeout_seconds,
         m.title, m.brief, m.repository
       FROM review_jobs j JOIN tasks t ON t.id = j.task_id JOIN missions m ON m.id = t.mission_id
       JOIN agents a ON a.id = j.reviewer_agent_id
       WHERE j.status = 'QUEUED' AND a.archived_at IS NULL
         AND EXISTS (SELECT 1 FROM runners me WHERE me.id = ?3 AND me.revoked_at IS NULL)
         AND m.repository IN (SELECT value FROM json_each(?2))
         AND (a.executor IS NULL OR json_extract(a.executor, '$.preset') IN (SELECT value FROM json_each(?1)))
       ORDER BY j.created_at, j.id LIMIT 10`,
    )
    .bind(JSON.stringify(offer.presets), JSON.stringify(offer.repositories), runnerId)
    .all<Candidate>();
  for (const c of results) {
    const job: JobFacts = {
      id: c.id,
      taskId: c.task_id,
      headCommit: c.head_commit,
      reviewerSlug: c.slug,
    };
    const patch = await getPatch(env.RUN_LOGS, c.task_id, c.head_commit);
    if (!patch) {
      const error = `no patch stored for head ${c.head_commit.slice(0, 10)}: nothing to review`;
      await db.batch(failJobStatements(db, job, error, now));
      continue;
    }
    const lease = now + (c.timeout_seconds + LEASE_SLACK_SECONDS) * 1000;
    const won = await db
      .prepare(
        `UPDATE review_jobs SET status = 'RUNNING', runner_id = ?, lease_until = ?,
           attempts = attempts + 1, started_at = ?, error = NULL WHERE id = ? AND status = 'QUEUED'`,
      )
      .bind(runnerId, lease, now, c.id)
      .run();
    if (won.meta.changes !== 1) {
      await patch.body.cancel();
      continue;
    }
    const d = database(env);
    const task = await d.select().from(tasks).where(eq(tasks.id, c.task_id)).get();
    const reviewer = await d.select().from(agents).where(eq(agents.id, c.reviewer_agent_id)).get();
    if (!task || !reviewer) {
      await patch.body.cancel();
      await cancelReviewJobsStatement(db, c.task_id, 'the task or its reviewer is gone', now).run();
      continue;
    }
    return {
      job,
      reviewer,
      timeoutSeconds: c.timeout_seconds,
      task: {
        title: task.title,
        spec: task.spec,
        expectedScope: task.expectedScope,
        scopeViolations: task.scopeViolations ?? [],
        numstat: task.diffNumstat ?? [],
      },
      mission: { title: c.title, brief: c.brief, repository: c.repository },
      patch: {
        text: await new Response(patch.body).text(),
        truncated: patch.meta.truncated,
        fullBytes: patch.meta.fullBytes,
      },
    };
  }
  return undefined;
}

export type LeasedReview = NonNullable<Awaited<ReturnType<typeof leaseReviewJob>>>;
