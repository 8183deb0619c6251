import { redact } from '../audit/redact';
import { DomainError } from '../errors';
import { OPEN_TASK_STATUSES, type Operator } from '../tasks/recover';
import type { TaskStatus } from '../tasks/state-machine';
import { moveStatements } from '../tasks/transition';

/**
 * An operator stops a mission: it becomes CANCELLED first (so the task moves below do not
 * settle it as DONE), then each open task is cancelled with a task event naming the operator.
 * A RUNNING task's runner is answered 409 at its next heartbeat and stops. Only an APPROVED
 * mission or a FAILED one (to close it instead of retrying) is cancelled.
 */
export async function cancelMission(
  env: Env,
  by: Operator,
  missionId: string,
  reason: string | null,
): Promise<{ cancelledTasks: number }> {
  const db = env.DB;
  const mission = await db
    .prepare('SELECT id, title, status FROM missions WHERE id = ?')
    .bind(missionId)
    .first<{ id: string; title: string; status: string }>();
  if (!mission) throw new DomainError('not_found', `No mission ${missionId}.`);
  const why = reason || 'cancelled by operator';
  const now = Date.now();
  const [update] = await db.batch([
    db
      .prepare(
        `UPDATE missions SET status = 'CANCELLED', finish_reason = ?1, finished_at = ?2, updated_at = ?2
         WHERE id = ?3 AND status IN ('APPROVED', 'FAILED')`,
      )
      .bind(`cancelled by ${by.actor}: ${why}`, now, missionId),
    db
      .prepare(
        `INSERT INTO domain_events (type, entity_type, entity_id, payload, created_at)
         SELECT 'mission.cancelled', 'mission', ?, ?, ? WHERE changes() = 1`,
      )
      .bind(
        missionId,
        JSON.stringify({ missionId, title: mission.title, reason: why, actor: by.actor }),
        now,
      ),
  ]);
  if (update?.meta.changes !== 1)
    throw new DomainError(
      'conflict',
      `Mission ${missionId} is ${mission.status}; only an APPROVED or FAILED mission is cancelled.`,
    );
  const cancelledTasks = await cancelOpenTasks(db, missionId, by.actor, why, now);
  await db
    .prepare(
      `INSERT INTO audit_log (actor, action, entity_type, entity_id, request_id, summary, created_at)
       VALUES (?, 'mission.cancel', 'mission', ?, ?, ?, ?)`,
    )
    .bind(
      by.actor,
      missionId,
      by.requestId,
      JSON.stringify(redact({ title: mission.title, reason: why, cancelledTasks })),
      now,
    )
    .run();
  return { cancelledTasks };
}

/**
 * Each open task moves from the state it was read in; one that moved meanwhile (a runner
 * reporting) is read again, a few rounds at most, so none is left open.
 */
async function cancelOpenTasks(
  db: D1Database,
  missionId: string,
  actor: string,
  reason: string,
  now: number,
): Promise<number> {
  const open = OPEN_TASK_STATUSES.map((s) => `'${s}'`).join(', ');
  let cancelled = 0;
  for (let round = 0; round < 3; round++) {
    const { results } = await db
      .prepare(`SELECT id, status FROM tasks WHERE mission_id = ? AND status IN (${open})`)
      .bind(missionId)
      .all<{ id: string; status: TaskStatus }>();
    if (!results.length) break;
    const moves = results.map((task) =>
      moveStatements(
        db,
        {
          taskId: task.id,
          from: task.status,
          to: 'CANCELLED',
          actor,
          reason: `mission cancelled: ${reason}`,
          set: { finished_at: now },
        },
        now,
      ),
    );
    const outcome = await db.batch(moves.flat());
    // Each move's first statement is its task's update: count those that changed a row.
    let at = 0;
    for (const move of moves) {
      if (outcome[at]?.meta.changes === 1) cancelled++;
      at += move.length;
    }
  }
  return cancelled;
}
