import type { missions } from '../../drizzle/schema';
import { DomainError } from '../errors';
import { missionDecidedStatement, taskMovedStatement } from '../events/outbox';
import type { SettingsValue } from '../settings/schema';
import { readSettings } from '../settings/store';
import { assign, dispatchReads } from '../tasks/dispatch';

type MissionRow = typeof missions.$inferSelect;

/**
 * Approves or rejects a proposed mission, exactly once however many times it is asked.
 * One D1 batch: the status update matches only while the mission is PROPOSED at the revision
 * the caller read (so an edit landing in between is not approved unseen), and stamps it
 * with this request's id; every insert after it (tasks, their first events, the audit entry)
 * runs only where that stamp is this request's, so a lost race writes nothing.
 */
export async function decide(
  env: Env,
  by: { actor: string; requestId: string },
  mission: MissionRow,
  verdict: 'APPROVED' | 'REJECTED',
  reason: string | null,
  /** The settings in force, when the caller read them already (one D1 round trip fewer). */
  read?: SettingsValue,
): Promise<{ changed: boolean }> {
  const db = env.DB;
  const now = Date.now();
  const { actor, requestId } = by;
  const settings = read ?? (await readSettings(env));
  const timeoutSeconds = settings.workLoop.heartbeatTimeoutSeconds;
  const won = 'EXISTS (SELECT 1 FROM missions WHERE id = ? AND decision_request_id = ?)';
  const statements: D1PreparedStatement[] = [
    db
      .prepare(
        `UPDATE missions SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ?,
         decision_request_id = ?, updated_at = ? WHERE id = ? AND status = 'PROPOSED' AND revision = ?`,
      )
      .bind(verdict, actor, now, reason, requestId, now, mission.id, mission.revision),
  ];
  if (verdict === 'APPROVED') {
    for (const [i, task] of mission.plan.entries()) {
      const taskId = crypto.randomUUID();
      statements.push(
        db
          .prepare(
            `INSERT INTO tasks (id, mission_id, title, spec, expected_scope, agent_hint, role_hint, status, timeout_seconds, created_at, updated_at)
             SELECT ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ? WHERE ${won}`,
          )
          .bind(
            taskId,
            mission.id,
            task.title,
            task.spec,
            JSON.stringify(task.expectedScope),
            task.agentHint ?? null,
            task.roleHint ?? null,
            timeoutSeconds,
            now + i, // keeps the plan's order when tasks are listed by creation time
            now,
            mission.id,
            requestId,
          ),
        db
          .prepare(
            `INSERT INTO task_events (task_id, actor, from_status, to_status, reason, created_at)
             SELECT ?, ?, NULL, 'PENDING', 'mission approved', ? WHERE ${won}`,
          )
          .bind(taskId, actor, now, mission.id, requestId),
        taskMovedStatement(
          db,
          { taskId, from: null, to: 'PENDING', actor, reason: 'mission approved' },
          now,
          won,
          mission.id,
          requestId,
        ),
      );
    }
  }
  statements.push(
    missionDecidedStatement(
      db,
      { missionId: mission.id, title: mission.title, verdict, actor, reason },
      now,
      won,
      mission.id,
      requestId,
    ),
    db
      .prepare(
        `INSERT INTO audit_log (actor, action, entity_type, entity_id, request_id, summary, created_at)
         SELECT ?, ?, 'mission', ?, ?, ?, ? WHERE ${won}`,
      )
      .bind(
        actor,
        verdict === 'APPROVED' ? 'mission.approve' : 'mission.reject',
        mission.id,
        requestId,
        JSON.stringify({ title: mission.title, tasks: mission.plan.length, reason }),
        now,
        mission.id,
        requestId,
      ),
  );
  // An approval reads what dispatch needs in the same batch, after the new tasks are in.
  const reads = verdict === 'APPROVED' && settings.workerSwitch ? dispatchReads(db, now) : [];
  const results = await db.batch([...statements, ...reads]);
  const update = results[0];
  const changed = (update?.meta.changes ?? 0) === 1;
  if (!changed) {
    const current = await db
      .prepare('SELECT status, revision FROM missions WHERE id = ?')
      .bind(mission.id)
      .first<{ status: string; revision: number }>();
    if (current?.status === 'PROPOSED') {
      throw new DomainError(
        'conflict',
        `Mission "${mission.title}" was edited meanwhile (now revision ${current.revision}, you read ${mission.revision}): look again.`,
      );
    }
    // Asking again for what already happened is fine; asking for the opposite is not.
    if (current?.status !== verdict) {
      throw new DomainError(
        'conflict',
        `Mission ${mission.id} is already ${current?.status ?? 'gone'}.`,
      );
    }
  }
  if (changed && verdict === 'APPROVED') {
    const [waiting, agents] = results.slice(statements.length);
    await assign(env, now, settings, waiting?.results ?? [], agents?.results ?? []);
  }
  return { changed };
}
