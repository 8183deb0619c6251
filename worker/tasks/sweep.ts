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
  /** When the task entered its current status (its last task event). */
  since: number;
}

export interface SweepResult {
  requeued: string[];
  failed: string[];
  /** When the next running task of the scope would go stale, if any (for an alarm). */
  nextDeadline: number | null;
}

/**
 * Enforces the work loop's clocks: a RUNNING task silent past its timeout goes back to
 * PENDING (at most `maxRequeues` times, then FAILED). A task the agent holds (PENDING and
 * ASSIGNED while the worker switch is on, RUNNING, CHANGES_REQUESTED) fails when it has been
 * in that status for `maxTaskAgeHours`; the clock starts when it entered the status (its last
 * task event), or for waiting work when the worker switch was last set, so time spent in
 * REVIEW, approved or not, or while work was paused is not held against the agent. REVIEW is never failed for age. Heartbeat failures count against
 * the agent; age failures do not. Runs from the cron sweep (all agents) and from an agent's
 * Durable Object alarm (`agentId`).
 */
export async function sweep(env: Env, now = Date.now(), agentId?: string): Promise<SweepResult> {
  const settings = await readSettings(env);
  const loop = settings.workLoop;
  const db = env.DB;
  const maxAge = now - loop.maxTaskAgeHours * 3_600_000;
  // The agent holds PENDING and ASSIGNED work only while the worker switch lets it be taken.
  const held = settings.workerSwitch
    ? "'PENDING', 'ASSIGNED', 'RUNNING', 'CHANGES_REQUESTED'"
    : "'RUNNING', 'CHANGES_REQUESTED'";
  // Waiting work is held from when the switch was last set (on), if that is later.
  const switchedAt = await db
    .prepare("SELECT updated_at FROM settings WHERE key = 'workerSwitch'")
    .first<number>('updated_at');
  const { results } = await db
    .prepare(
      `SELECT * FROM (
         SELECT id, status, agent_id, requeues, last_heartbeat_at, timeout_seconds, created_at,
           CASE WHEN status IN ('PENDING', 'ASSIGNED') THEN max(entered, ?3) ELSE entered END AS since
         FROM (SELECT t.*, coalesce((SELECT max(e.created_at) FROM task_events e WHERE e.task_id = t.id
                  -- A note (RUNNING → RUNNING from an agent) is no move: it does not reset the age.
                  AND e.from_status IS NOT e.to_status), t.created_at) AS entered
               FROM tasks t WHERE t.status IN (${held}) AND (?1 IS NULL OR t.agent_id = ?1)))
       WHERE since < ?2 OR status = 'RUNNING'`,
    )
    .bind(agentId ?? null, maxAge, switchedAt ?? 0)
    .all<Stale>();
  const result: SweepResult = { requeued: [], failed: [], nextDeadline: null };
  for (const task of results) {
    const deadline = (task.last_heartbeat_at ?? task.created_at) + task.timeout_seconds * 1000;
    const tooOld = task.since < maxAge;
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
    // Age says the work took too long, not that the agent is failing: no streak, no cooldown.
    if (!requeue && !tooOld && task.agent_id)
      statements.push(...agentFailureStatements(db, task.agent_id, loop, now));
    const [update] = await db.batch(statements);
    if (update?.meta.changes === 1) (requeue ? result.requeued : result.failed).push(task.id);
  }
  if (result.requeued.length) await dispatch(env, now);
  return result;
}
