// What an operator does to a task that went wrong: retry it, hand it to another agent, or
// cancel it. The web app and the CEO's chat both call these, so both are audited the same way
// and each action is a task event with the operator as actor and their reason.

import { redact } from '../audit/redact';
import { DomainError } from '../errors';
import { dispatch } from './dispatch';
import { reopenMissionStatement } from './mission-settle';
import { assertMove, type TaskStatus } from './state-machine';
import { type Move, moveStatements } from './transition';

export interface Operator {
  actor: string;
  requestId: string;
}

interface TaskRow {
  id: string;
  title: string;
  status: TaskStatus;
}

/** The states a task can still leave: cancellable, and what an operator's mission cancel sweeps. */
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = [
  'PENDING',
  'ASSIGNED',
  'RUNNING',
  'REVIEW',
  'CHANGES_REQUESTED',
];

async function loadTask(db: D1Database, id: string): Promise<TaskRow> {
  const row = await db
    .prepare('SELECT id, title, status FROM tasks WHERE id = ?')
    .bind(id)
    .first<TaskRow>();
  if (!row) throw new DomainError('not_found', `No task ${id}.`);
  return row;
}

/** The slug of an active agent, or 422 naming the unknown one. */
async function activeAgent(db: D1Database, slug: string): Promise<string> {
  const agent = await db
    .prepare('SELECT slug FROM agents WHERE slug = ? AND archived_at IS NULL')
    .bind(slug)
    .first<{ slug: string }>();
  if (agent) return agent.slug;
  throw new DomainError('unprocessable', `agent: no active agent "${slug}".`, {
    fields: [{ field: 'agent', in: 'body', message: `no active agent "${slug}"` }],
  });
}

function auditStatement(
  db: D1Database,
  by: Operator,
  action: string,
  taskId: string,
  summary: Record<string, unknown>,
) {
  return db
    .prepare(
      `INSERT INTO audit_log (actor, action, entity_type, entity_id, request_id, summary, created_at)
       VALUES (?, ?, 'task', ?, ?, ?, ?)`,
    )
    .bind(by.actor, action, taskId, by.requestId, JSON.stringify(redact(summary)), Date.now());
}

/**
 * Applies the move, then (only if it happened) the extra statements and the audit row.
 * A move that lost a race answers 409 with the task's state now.
 */
async function apply(
  env: Env,
  by: Operator,
  action: string,
  move: Move,
  summary: Record<string, unknown>,
  after: D1PreparedStatement[] = [],
) {
  const db = env.DB;
  const [update] = await db.batch(moveStatements(db, move));
  if (update?.meta.changes !== 1) {
    const now = await loadTask(db, move.taskId);
    assertMove(move.taskId, now.status, move.to);
    throw new DomainError('conflict', `Task ${move.taskId} is ${now.status}, not ${move.from}.`);
  }
  await db.batch([...after, auditStatement(db, by, action, move.taskId, summary)]);
}

/**
 * FAILED → PENDING: the task is tried again, its history kept. With `agent` it goes to that
 * agent (as a hint); without, to whoever dispatch picks. Its FAILED mission reopens.
 */
export async function retryTask(
  env: Env,
  by: Operator,
  taskId: string,
  opts: { agent?: string | null; reason?: string | null } = {},
): Promise<TaskRow> {
  const task = await loadTask(env.DB, taskId);
  assertMove(task.id, task.status, 'PENDING');
  if (task.status !== 'FAILED')
    throw new DomainError(
      'conflict',
      `Task ${task.id} is ${task.status}; only a FAILED task is retried.`,
    );
  const agent = opts.agent ? await activeAgent(env.DB, opts.agent) : null;
  const reason = opts.reason || (agent ? `retried, handed to ${agent}` : 'retried');
  const now = Date.now();
  await apply(
    env,
    by,
    'task.retry',
    {
      taskId: task.id,
      from: 'FAILED',
      to: 'PENDING',
      actor: by.actor,
      reason,
      set: {
        agent_id: null,
        ...(agent ? { agent_hint: agent } : {}),
        failure_reason: null,
        finished_at: null,
        requeues: 0,
        verdict: null,
        merge_runner_id: null,
        merge_lease_until: null,
        phase: 'retried',
      },
    },
    { reason, agent },
    [reopenMissionStatement(env.DB, task.id, now)],
  );
  await dispatch(env);
  return loadTask(env.DB, task.id);
}

/** PENDING or ASSIGNED → PENDING, hinted at `agent`: the next dispatch gives it to that agent. */
export async function reassignTask(
  env: Env,
  by: Operator,
  taskId: string,
  opts: { agent: string; reason?: string | null },
): Promise<TaskRow> {
  const task = await loadTask(env.DB, taskId);
  if (task.status !== 'PENDING' && task.status !== 'ASSIGNED') {
    assertMove(task.id, task.status, 'PENDING');
    throw new DomainError(
      'conflict',
      `Task ${task.id} is ${task.status}; only a PENDING or ASSIGNED task is reassigned.`,
    );
  }
  const agent = await activeAgent(env.DB, opts.agent);
  const reason = opts.reason || `reassigned to ${agent}`;
  await apply(
    env,
    by,
    'task.reassign',
    {
      taskId: task.id,
      from: task.status,
      to: 'PENDING',
      actor: by.actor,
      reason,
      set: { agent_id: null, agent_hint: agent, phase: 'reassigned' },
    },
    { reason, agent },
  );
  await dispatch(env);
  return loadTask(env.DB, task.id);
}

/**
 * Any open task → CANCELLED. A RUNNING task's runner learns it at its next heartbeat (409:
 * the task is no longer RUNNING) and stops.
 */
export async function cancelTask(
  env: Env,
  by: Operator,
  taskId: string,
  opts: { reason?: string | null } = {},
): Promise<TaskRow> {
  const task = await loadTask(env.DB, taskId);
  assertMove(task.id, task.status, 'CANCELLED');
  const reason = opts.reason || 'cancelled by operator';
  await apply(
    env,
    by,
    'task.cancel',
    {
      taskId: task.id,
      from: task.status,
      to: 'CANCELLED',
      actor: by.actor,
      reason,
      set: { finished_at: Date.now() },
    },
    { reason },
  );
  return loadTask(env.DB, task.id);
}
