import { DomainError } from '../errors';
import { taskMovedStatement } from '../events/outbox';
import { settleMissionStatements } from './mission-settle';
import { assertMove, type TaskStatus } from './state-machine';

/** Task columns a transition may set besides its status (snake_case, as in SQL). */
type Column =
  | 'agent_id'
  | 'agent_hint'
  | 'runner_id'
  | 'branch'
  | 'base_branch'
  | 'requeues'
  | 'phase'
  | 'progress'
  | 'log_tail'
  | 'last_line'
  | 'runs'
  | 'commits'
  | 'diff_numstat'
  | 'scope_violations'
  | 'review_comments'
  | 'verdict'
  | 'head_commit'
  | 'head_pushed'
  | 'merge_runner_id'
  | 'merge_lease_until'
  | 'failure_reason'
  | 'last_heartbeat_at'
  | 'finished_at'
  | 'run_input_tokens'
  | 'run_output_tokens'
  | 'run_cost_usd';

export interface Move {
  taskId: string;
  from: TaskStatus;
  to: TaskStatus;
  actor: string;
  reason?: string | null;
  /** Why a task failed, when it is a kind the CEO tells apart (a budget stopped the run). */
  cause?: 'budget';
  set?: Partial<Record<Column, string | number | null>>;
  /** A further condition the task must still meet for the move (SQL over its columns). */
  guard?: { sql: string; values: (string | number | null)[] };
}

/**
 * The statements of one move: the update only matches while the task is still in `from`,
 * and the event is inserted only when that update changed a row (`changes()` within the
 * same batch), so a lost race writes nothing. A move to a final state settles its mission.
 */
export function moveStatements(
  db: D1Database,
  move: Move,
  now = Date.now(),
): D1PreparedStatement[] {
  assertMove(move.taskId, move.from, move.to);
  const set = Object.entries(move.set ?? {});
  const assignments = [
    'status = ?',
    'updated_at = ?',
    ...set.map(([column]) => `${column} = ?`),
  ].join(', ');
  return [
    db
      .prepare(
        `UPDATE tasks SET ${assignments} WHERE id = ? AND status = ?${move.guard ? ` AND (${move.guard.sql})` : ''}`,
      )
      .bind(
        move.to,
        now,
        ...set.map(([, value]) => value),
        move.taskId,
        move.from,
        ...(move.guard?.values ?? []),
      ),
    db
      .prepare(
        'INSERT INTO task_events (task_id, actor, from_status, to_status, reason, created_at) SELECT ?, ?, ?, ?, ?, ? WHERE changes() = 1',
      )
      .bind(move.taskId, move.actor, move.from, move.to, move.reason ?? null, now),
    // Published only when the event above was written, i.e. when the move happened.
    taskMovedStatement(
      db,
      {
        taskId: move.taskId,
        from: move.from,
        to: move.to,
        actor: move.actor,
        reason: move.reason ?? null,
        ...(move.cause ? { cause: move.cause } : {}),
      },
      now,
      'changes() = 1',
    ),
    // The reviewer agent's pass is of the task waiting in REVIEW at one head: gone with it.
    ...(move.from === 'REVIEW' && move.to !== 'REVIEW'
      ? [cancelReviewJobsStatement(db, move.taskId, `the task moved to ${move.to}`, now)]
      : []),
    // A task that ends may end its mission: settled here so every way a task ends does it.
    ...(FINAL.includes(move.to) ? settleMissionStatements(db, move.taskId, now) : []),
  ];
}

/**
 * Cancels the task's open review jobs (queued or running): a person decided, or the task left
 * REVIEW. Plain SQL over review_jobs so every move and verdict can add it to its own batch;
 * the reviewer's runner then hears 409 on its report. `onlyIf`: a condition of the batch.
 */
export function cancelReviewJobsStatement(
  db: D1Database,
  taskId: string,
  why: string,
  now: number,
  onlyIf = '1',
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE review_jobs SET status = 'CANCELLED', error = ?, finished_at = ?, lease_until = NULL
       WHERE task_id = ? AND status IN ('QUEUED', 'RUNNING') AND ${onlyIf}`,
    )
    .bind(`cancelled: ${why}`, now, taskId);
}

const FINAL: readonly TaskStatus[] = ['DONE', 'FAILED', 'CANCELLED'];

/** Applies one move; false when the task was no longer in `from` (someone else moved it). */
export async function moveTask(db: D1Database, move: Move): Promise<boolean> {
  const [update] = await db.batch(moveStatements(db, move));
  return (update?.meta.changes ?? 0) === 1;
}

/** Applies one move or answers 409 naming the task's current state and its allowed moves. */
export async function moveTaskOrFail(db: D1Database, move: Move): Promise<void> {
  if (await moveTask(db, move)) return;
  const row = await db
    .prepare('SELECT status FROM tasks WHERE id = ?')
    .bind(move.taskId)
    .first<{ status: TaskStatus }>();
  if (!row) throw new DomainError('not_found', `No task ${move.taskId}.`);
  assertMove(move.taskId, row.status, move.to);
  throw new DomainError('conflict', `Task ${move.taskId} is ${row.status}, not ${move.from}.`);
}
