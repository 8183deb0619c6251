// A mission ends by what its tasks did. The statements here run in the same batch as the task
// move that may end it (transition.ts), so a mission's end is never a separate step that a crash
// could skip. Each update is guarded by `status = 'APPROVED'`: settling twice changes nothing,
// and a mission an operator cancelled (or one already failed) is not overwritten.

const OPEN = "('PENDING', 'ASSIGNED', 'RUNNING', 'REVIEW', 'CHANGES_REQUESTED')";
const MISSION_OF = '(SELECT mission_id FROM tasks WHERE id = ?)';

/** The mission's event, written only when the update just before it changed the mission. */
function missionEndedEvent(db: D1Database, taskId: string, now: number, payload: string) {
  return db
    .prepare(
      `INSERT INTO domain_events (type, entity_type, entity_id, payload, created_at)
       SELECT 'mission.' || lower(m.status), 'mission', m.id, ${payload}, ?
       FROM missions m WHERE m.id = ${MISSION_OF} AND changes() = 1`,
    )
    .bind(now, taskId);
}

/**
 * Ends the mission of `taskId` if its tasks say so: FAILED as soon as one of its tasks is
 * FAILED (a retry takes the task out of FAILED and reopens the mission, see `reopenStatement`),
 * naming the task; otherwise, once no task is open, DONE when at least one task is DONE and
 * CANCELLED when every task was cancelled.
 */
export function settleMissionStatements(
  db: D1Database,
  taskId: string,
  now: number,
): D1PreparedStatement[] {
  const failedTask = `(SELECT t.id FROM tasks t WHERE t.mission_id = missions.id AND t.status = 'FAILED' ORDER BY t.updated_at, t.id LIMIT 1)`;
  return [
    db
      .prepare(
        `UPDATE missions SET status = 'FAILED', finished_at = ?1, updated_at = ?1,
           finish_reason = (SELECT 'task "' || t.title || '" (' || t.id || ') failed: ' || coalesce(t.failure_reason, 'no reason given')
                            FROM tasks t WHERE t.id = ${failedTask})
         WHERE id = ${MISSION_OF.replace('?', '?2')} AND status = 'APPROVED' AND ${failedTask} IS NOT NULL`,
      )
      .bind(now, taskId),
    missionEndedEvent(
      db,
      taskId,
      now,
      `json_object('missionId', m.id, 'title', m.title, 'reason', m.finish_reason,
         'taskId', (SELECT t.id FROM tasks t WHERE t.mission_id = m.id AND t.status = 'FAILED' ORDER BY t.updated_at, t.id LIMIT 1))`,
    ),
    db
      .prepare(
        `UPDATE missions SET finished_at = ?1, updated_at = ?1,
           status = CASE WHEN EXISTS (SELECT 1 FROM tasks t WHERE t.mission_id = missions.id AND t.status = 'DONE')
                         THEN 'DONE' ELSE 'CANCELLED' END,
           finish_reason = CASE WHEN EXISTS (SELECT 1 FROM tasks t WHERE t.mission_id = missions.id AND t.status = 'DONE')
                         THEN 'every task is done or cancelled' ELSE 'every task was cancelled' END
         WHERE id = ${MISSION_OF.replace('?', '?2')} AND status = 'APPROVED'
           AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.mission_id = missions.id AND (t.status IN ${OPEN} OR t.status = 'FAILED'))`,
      )
      .bind(now, taskId),
    missionEndedEvent(
      db,
      taskId,
      now,
      `json_object('missionId', m.id, 'title', m.title, 'reason', m.finish_reason, 'actor', 'hq')`,
    ),
  ];
}

/**
 * A retried task leaves FAILED: its FAILED mission is APPROVED again (and dispatched) unless
 * another of its tasks is still FAILED. Runs after the task's move in the same batch.
 */
export function reopenMissionStatement(db: D1Database, taskId: string, now: number) {
  return db
    .prepare(
      `UPDATE missions SET status = 'APPROVED', finish_reason = NULL, finished_at = NULL, updated_at = ?1
       WHERE id = ${MISSION_OF.replace('?', '?2')} AND status = 'FAILED'
         AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.mission_id = missions.id AND t.status = 'FAILED')`,
    )
    .bind(now, taskId);
}
