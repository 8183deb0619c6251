import type { missions } from '../../drizzle/schema';
import { DomainError } from '../errors';
import { missionDecidedStatement } from '../events/outbox';
import type { SettingsValue } from '../settings/schema';
import { readSettings } from '../settings/store';
import { assign, dispatchReads } from '../tasks/dispatch';
import { runnerWaitsStatement } from '../tasks/runner-waits';
import { type Detail, detail, detailFrom, detailStatements } from './answer';
import { newTasksStatements } from './new-tasks';

type MissionRow = typeof missions.$inferSelect;

/**
 * Approves or rejects a proposed mission, exactly once however many times it is asked.
 * One D1 batch: the status update matches only while the mission is PROPOSED at the revision
 * the caller read (so an edit landing in between is not approved unseen), and stamps it
 * with this request's id; every insert after it (tasks, their first events, the audit entry)
 * runs only where that stamp is this request's, so a lost race writes nothing. The same
 * batch reads the mission's status after the update (for the 409 when it did not match) and,
 * for an approval, what dispatch needs; dispatch's moves are a second batch.
 *
 * `answer`: also read the mission as the API answers with it (`detail`), in the last batch
 * that writes, after the writes: two round trips for an approval that dispatches, one for a
 * rejection or an approval with the worker switch off, where reading it afterwards was one
 * more. Only an approval asked again while the switch is on reads it afterwards: its one
 * batch read what dispatch needs, and there was nothing to dispatch.
 */
export async function decide(
  env: Env,
  by: { actor: string; requestId: string },
  mission: MissionRow,
  verdict: 'APPROVED' | 'REJECTED',
  reason: string | null,
  options?: {
    /** The settings in force, when the caller read them already (one D1 round trip fewer). */
    settings?: SettingsValue;
    answer?: false;
  },
): Promise<{ changed: boolean }>;
export async function decide(
  env: Env,
  by: { actor: string; requestId: string },
  mission: MissionRow,
  verdict: 'APPROVED' | 'REJECTED',
  reason: string | null,
  options: { settings?: SettingsValue; answer: true },
): Promise<{ changed: boolean; answer: Detail }>;
export async function decide(
  env: Env,
  by: { actor: string; requestId: string },
  mission: MissionRow,
  verdict: 'APPROVED' | 'REJECTED',
  reason: string | null,
  options: { settings?: SettingsValue; answer?: boolean } = {},
): Promise<{ changed: boolean; answer?: Detail }> {
  const db = env.DB;
  const now = Date.now();
  const { actor, requestId } = by;
  const settings = options.settings ?? (await readSettings(env));
  const approved = verdict === 'APPROVED';
  const dispatching = approved && settings.workerSwitch;
  const won = 'EXISTS (SELECT 1 FROM missions WHERE id = ? AND decision_request_id = ?)';
  const writes: D1PreparedStatement[] = [
    db
      .prepare(
        `UPDATE missions SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ?,
         decision_request_id = ?, updated_at = ? WHERE id = ? AND status = 'PROPOSED' AND revision = ?`,
      )
      .bind(verdict, actor, now, reason, requestId, now, mission.id, mission.revision),
    // Read after the update: what the mission is now, should the update not have matched.
    db.prepare('SELECT status, revision FROM missions WHERE id = ?').bind(mission.id),
    ...(approved
      ? newTasksStatements(
          db,
          mission,
          actor,
          settings.workLoop.heartbeatTimeoutSeconds,
          now,
          won,
          requestId,
        )
      : []),
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
        approved ? 'mission.approve' : 'mission.reject',
        mission.id,
        requestId,
        JSON.stringify({ title: mission.title, tasks: mission.plan.length, reason }),
        now,
        mission.id,
        requestId,
      ),
  ];
  // What follows the writes: an approval that dispatches reads what dispatch needs, after the
  // new tasks are in (the answer then comes with the moves). Otherwise this batch is the last:
  // an approval with the switch off marks the runner waits as dispatch would (when it won),
  // and the answer is read here.
  const tail = dispatching
    ? dispatchReads(db, now)
    : [
        ...(approved ? [runnerWaitsStatement(db, now, won, mission.id, requestId)] : []),
        ...(options.answer ? detailStatements(db, mission.id) : []),
      ];
  const results = await db.batch([...writes, ...tail]);
  const changed = (results[0]?.meta.changes ?? 0) === 1;
  if (!changed) {
    const current = results[1]?.results[0] as { status: string; revision: number } | undefined;
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
  const after = results.slice(writes.length);
  if (!dispatching) {
    const read = after.slice(approved ? 1 : 0);
    return options.answer ? { changed, answer: detailFrom(mission.id, read) } : { changed };
  }
  if (!changed)
    return options.answer ? { changed, answer: await detail(env, mission.id) } : { changed };
  const [waiting, agents] = after;
  const assigned = await assign(
    env,
    now,
    settings,
    waiting?.results ?? [],
    agents?.results ?? [],
    options.answer ? detailStatements(db, mission.id) : [],
    'moved',
  );
  return options.answer ? { changed, answer: detailFrom(mission.id, assigned.after) } : { changed };
}
