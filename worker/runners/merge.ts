import type { tasks } from '../../drizzle/schema';
import { ApiError } from '../http/errors';
import { dispatch } from '../tasks/dispatch';
import { agentSuccessStatement } from '../tasks/failures';
import { type Move, moveStatements } from '../tasks/transition';
import { shortCommit } from './continuation';
import type { ApprovedTask, MergeResult } from './wire';

// An approved task is merged by one runner at a time: asking for verdicts leases each task
// the runner may merge (the runner that ran it, or any serving runner once its head was
// pushed) for two minutes, and only the lease holder may say how the merge went.

export const MERGE_LEASE_MS = 120_000;

type TaskRow = typeof tasks.$inferSelect;
type Runner = { id: string; name: string };

/** Leases (or renews) this runner's approved tasks and lists them, oldest first. */
export async function leaseApproved(
  env: Env,
  runnerId: string,
  repositories: string[],
  now = Date.now(),
): Promise<ApprovedTask[]> {
  const db = env.DB;
  const served = `mission_id IN (SELECT id FROM missions WHERE repository IN (SELECT value FROM json_each(?3)))`;
  const [, leased] = await db.batch([
    db
      .prepare(
        `UPDATE tasks SET merge_runner_id = ?1, merge_lease_until = ?2
         WHERE status = 'REVIEW' AND verdict = 'approve' AND head_commit IS NOT NULL
           AND (runner_id = ?1 OR head_pushed = 1)
           AND (merge_runner_id IS NULL OR merge_runner_id = ?1 OR coalesce(merge_lease_until, 0) <= ?4)
           AND ${served}`,
      )
      .bind(runnerId, now + MERGE_LEASE_MS, JSON.stringify(repositories), now),
    db
      .prepare(
        `SELECT t.id, t.branch, t.base_branch, m.repository, t.head_commit, t.head_pushed
         FROM tasks t JOIN missions m ON m.id = t.mission_id
         WHERE t.status = 'REVIEW' AND t.verdict = 'approve' AND t.merge_runner_id = ?1
           AND t.merge_lease_until > ?2 AND t.${served}
         ORDER BY t.updated_at, t.id`,
      )
      .bind(runnerId, now, JSON.stringify(repositories)),
  ]);
  const rows = (leased?.results ?? []) as {
    id: string;
    branch: string | null;
    base_branch: string | null;
    repository: string;
    head_commit: string;
    head_pushed: number;
  }[];
  return rows.map((r) => ({
    taskId: r.id,
    branch: r.branch ?? `hq/${r.id}`,
    baseBranch: r.base_branch ?? 'main',
    repository: r.repository,
    headCommit: r.head_commit,
    pushed: r.head_pushed === 1,
  }));
}

/** Refuses (409) a merge result from a runner that does not hold the task's merge lease. */
function assertLeaseHolder(task: TaskRow, runner: Runner, now: number): void {
  const refuse = (why: string) => {
    throw new ApiError('conflict', `Task ${task.id} ${why}.`);
  };
  if (task.status !== 'REVIEW') refuse(`is ${task.status}, not an approved task in REVIEW`);
  if (task.verdict !== 'approve') refuse('is not approved for merge');
  if (task.mergeRunnerId !== runner.id || (task.mergeLeaseUntil ?? 0) <= now)
    refuse(
      `is not leased to runner ${runner.name} for its merge: POST /api/runner/verdicts leases it`,
    );
}

/** Where a merge result moves the task, why, and what else it sets. */
function mergeMove(
  task: TaskRow,
  body: MergeResult,
  now: number,
): Pick<Move, 'reason' | 'set'> & { to: 'DONE' | 'CHANGES_REQUESTED' | 'REVIEW' } {
  const clearLease = { merge_runner_id: null, merge_lease_until: null };
  if (body.result === 'merged')
    return {
      to: 'DONE',
      reason: `merged as ${body.mergeCommit}${body.pushed ? ' and pushed' : ''}`,
      set: { finished_at: now, phase: 'merged' },
    };
  if (body.result === 'conflict') {
    const comments = `Merge conflict with ${task.baseBranch ?? 'the base branch'} in: ${body.files.join(', ')}`;
    return {
      to: 'CHANGES_REQUESTED',
      reason: comments,
      set: { review_comments: comments, verdict: 'changes', ...clearLease },
    };
  }
  const reported = task.headCommit ? shortCommit(task.headCommit) : 'none';
  const found = body.found ? shortCommit(body.found) : 'gone';
  const reason = `branch hq/${task.id} moved after the report (reported ${reported}, found ${found}): review it again`;
  return {
    to: 'REVIEW',
    reason,
    // The approval was of a commit the branch no longer holds: it waits for a new verdict.
    set: {
      verdict: null,
      review_comments: body.detail ? `${reason}. ${body.detail}` : reason,
      ...clearLease,
    },
  };
}

/**
 * Applies what the lease holder says of an approved task's merge: merged (DONE), a conflict
 * (back to its agent with the files), or its branch moved after the report (review again).
 * The move only happens while the lease is still this runner's.
 */
export async function applyMerge(env: Env, task: TaskRow, runner: Runner, body: MergeResult) {
  const now = Date.now();
  assertLeaseHolder(task, runner, now);
  const move = mergeMove(task, body, now);
  const statements = moveStatements(
    env.DB,
    {
      ...move,
      taskId: task.id,
      from: 'REVIEW',
      actor: `runner:${runner.id}`,
      guard: {
        sql: "verdict = 'approve' AND merge_runner_id = ? AND merge_lease_until > ?",
        values: [runner.id, now],
      },
    },
    now,
  );
  if (move.to === 'DONE' && task.agentId)
    statements.push(agentSuccessStatement(env.DB, task.agentId));
  const [update] = await env.DB.batch(statements);
  if (update?.meta.changes !== 1)
    throw new ApiError('conflict', `Task ${task.id} changed meanwhile; ask for verdicts again.`);
  if (move.to === 'CHANGES_REQUESTED') await dispatch(env);
  return move.to;
}
