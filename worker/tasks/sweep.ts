import { readSettings } from '../settings/store';
import { dispatch } from './dispatch';
import { agentFailureStatements } from './failures';
import type { TaskStatus } from './state-machine';
import { moveStatements } from './transition';

interface Stale {
  id: string;
  status: TaskStatus;
  agent_id: string | null;
  requeues: number;
  last_heartbeat_at: number | null;
  timeout_seconds: number;
  created_at: number;
}

export interface SweepResult {
  requeued: string[];
  failed: string[];
  /** When the next running task of the scope would go stale, if any (for an alarm). */
  nextDeadline: number | null;
}

/**
 * Enforces the work loop's clocks: a RUNNING task silent past its timeout goes back to
 * PENDING (at most `maxRequeues` times, then FAILED); any task not finished
 * `maxTaskAgeHours` after creation fails. Failures count against the agent. Runs from the
 * cron sweep (all agents) and from an agent's Durable Object alarm (`agentId`).
 */
export async function sweep(env: Env, now = Date.now(), agentId?: string): Promise<SweepResult> {
  const loop = (await readSettings(env)).workLoop;
  const db = env.DB;
  const maxAge = now - loop.maxTaskAgeHours * 3_600_000;
  const { results } = await db
    .prepare(
      `SELECT id, status, agent_id, requeues, last_heartbeat_at, timeout_seconds, created_at FROM tasks
       WHERE status NOT IN ('DONE', 'FAILED', 'CANCELLED') AND (?1 IS NULL OR agent_id = ?1)
         AND (created_at < ?2 OR status = 'RUNNING')`,
    )
    .bind(agentId ?? null, maxAge)
    .all<Stale>();
  const result: SweepResult = { requeued: [], failed: [], nextDeadline: null };
  for (const task of results) {
    const deadline = (task.last_heartbeat_at ?? task.created_at) + task.timeout_seconds * 1000;
    const tooOld = task.created_at < maxAge;
    if (!tooOld && task.status === 'RUNNING' && deadline > now) {
      result.nextDeadline = Math.min(result.nextDeadline ?? deadline, deadline);
      continue;
    }
    const requeue = !tooOld && task.requeues < loop.maxRequeues;
    const reason = tooOld
      ? `not done within ${loop.maxTaskAgeHours} hours`
      : requeue
        ? `no heartbeat for ${task.timeout_seconds} s: requeued (${task.requeues + 1} of ${loop.maxRequeues})`
        : `no heartbeat for ${task.timeout_seconds} s after ${task.requeues} requeues`;
    const statements = moveStatements(
      db,
      {
        taskId: task.id,
        from: task.status,
        to: requeue ? 'PENDING' : 'FAILED',
        actor: 'sweeper',
        reason,
        // runner_id stays: that runner holds the head of an earlier round, if there is one
        // (worker/runners/continuation.ts); the status says no runner holds the task now.
        set: requeue
          ? { requeues: task.requeues + 1, agent_id: null, phase: 'requeued' }
          : { failure_reason: reason, finished_at: now },
      },
      now,
    );
    if (!requeue && task.agent_id)
      statements.push(...agentFailureStatements(db, task.agent_id, loop, now));
    const [update] = await db.batch(statements);
    if (update?.meta.changes === 1) (requeue ? result.requeued : result.failed).push(task.id);
  }
  if (result.requeued.length) await dispatch(env, now);
  return result;
}
