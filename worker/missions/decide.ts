import type { missions } from '../../drizzle/schema';
import { settings as settingsTable } from '../../drizzle/schema';
import { database } from '../db/client';
import { DomainError } from '../errors';
import { missionDecidedStatement } from '../events/outbox';
import type { SettingsValue } from '../settings/schema';
import { settingsFrom } from '../settings/store';
import { assignStatements } from '../tasks/assign-moves';
import { assignmentsFor, dispatchReadItems, type Waiting, withAdded } from '../tasks/dispatch';
import type { AgentFacts } from '../tasks/eligibility';
import { runnerWaitsForTasks, runnerWaitsStatement } from '../tasks/runner-waits';
import { type Detail, detailFrom, detailStatements } from './answer';
import { newTaskIds, newTasksStatements } from './new-tasks';

type MissionRow = typeof missions.$inferSelect;

/** What dispatch reads (`dispatchReadItems`), read before the decision's batch. */
export interface DispatchRead {
  waiting: Waiting[];
  agents: AgentFacts[];
}

/**
 * Approves or rejects a proposed mission, exactly once however many times it is asked.
 * One D1 batch: the status update matches only while the mission is PROPOSED at the revision
 * the caller read (so an edit landing in between is not approved unseen), and stamps it
 * with this request's id; every insert after it (tasks, their first events, the audit entry)
 * and, for an approval, every dispatch move runs only where that stamp is this request's, so
 * a lost race writes nothing. The same batch reads the mission's status after the update (for
 * the 409 when it did not match) and, with `answer`, the mission as the API answers with it
 * (`detail`), after the writes.
 *
 * An approval dispatches in that same batch: what dispatch reads (the waiting tasks and the
 * agents) is read before it, by the caller in its sign-in check's batch (`dispatchRead`) or
 * here with the settings, and the new tasks join the waiting ones as dispatch would have read
 * them after their insert. So an approval is one round trip after the sign-in check's; it was
 * two before, with dispatch's reads in the decision's batch and its moves in a third. Between
 * the read and the moves another dispatch may move a task first: each move is guarded by the
 * task's status, so a task moves once; agents' loads only balance work, they cap nothing.
 */
export async function decide(
  env: Env,
  by: { actor: string; requestId: string },
  mission: MissionRow,
  verdict: 'APPROVED' | 'REJECTED',
  reason: string | null,
  options?: ReadAhead & { answer?: false },
): Promise<{ changed: boolean }>;
export async function decide(
  env: Env,
  by: { actor: string; requestId: string },
  mission: MissionRow,
  verdict: 'APPROVED' | 'REJECTED',
  reason: string | null,
  options: ReadAhead & { answer: true },
): Promise<{ changed: boolean; answer: Detail }>;
export async function decide(
  env: Env,
  by: { actor: string; requestId: string },
  mission: MissionRow,
  verdict: 'APPROVED' | 'REJECTED',
  reason: string | null,
  options: ReadAhead & { answer?: boolean } = {},
): Promise<{ changed: boolean; answer?: Detail }> {
  const db = env.DB;
  const now = Date.now();
  const { actor, requestId } = by;
  const approved = verdict === 'APPROVED';
  const ahead = approved ? await readAhead(env, now, options) : undefined;
  const ids = approved ? newTaskIds(mission) : [];
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
    ...(ahead
      ? newTasksStatements(
          db,
          mission,
          actor,
          ahead.settings.workLoop.heartbeatTimeoutSeconds,
          now,
          won,
          requestId,
          ids,
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
  const moves = ahead
    ? dispatchStatements(db, now, mission, ids, ahead, {
        sql: won,
        values: [mission.id, requestId],
      })
    : [];
  const reads = options.answer ? detailStatements(db, mission.id) : [];
  const results = await db.batch([...writes, ...moves, ...reads]);
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
  if (!options.answer) return { changed };
  return { changed, answer: detailFrom(mission.id, results.slice(writes.length + moves.length)) };
}

/** What the caller read already: the settings in force, and what dispatch reads. */
export interface ReadAhead {
  settings?: SettingsValue;
  dispatchRead?: DispatchRead;
}

/** The settings and (the worker switch on) what dispatch reads: the caller's, or one batch. */
async function readAhead(
  env: Env,
  now: number,
  known: ReadAhead,
): Promise<{ settings: SettingsValue; dispatchRead?: DispatchRead }> {
  if (known.settings && (known.dispatchRead || !known.settings.workerSwitch))
    return { settings: known.settings, dispatchRead: known.dispatchRead };
  const db = database(env);
  const [rows, waiting, agents] = await db.batch([
    db.select().from(settingsTable),
    ...dispatchReadItems(db, now),
  ]);
  return {
    settings: known.settings ?? settingsFrom(rows),
    dispatchRead: known.dispatchRead ?? { waiting, agents },
  };
}

/**
 * An approval's dispatch, as statements for its own batch: the moves (only where `onlyIf`, the
 * decision won) and the runner waits of the tasks they move. With the worker switch off,
 * nothing moves and the runner waits are marked as dispatch would.
 */
function dispatchStatements(
  db: D1Database,
  now: number,
  mission: MissionRow,
  ids: string[],
  ahead: { settings: SettingsValue; dispatchRead?: DispatchRead },
  onlyIf: { sql: string; values: unknown[] },
): D1PreparedStatement[] {
  const { settings, dispatchRead } = ahead;
  if (!settings.workerSwitch || !dispatchRead)
    return [runnerWaitsStatement(db, now, onlyIf.sql, ...onlyIf.values)];
  // A mission being decided has no tasks yet, so nothing spent: it is under its budgets unless
  // a budget is zero (eligibility.ts MISSION_UNDER_BUDGET, with nothing spent).
  const underBudget =
    (mission.budgetUsd === null || mission.budgetUsd > 0) &&
    (mission.budgetTokens === null || mission.budgetTokens > 0);
  const added: Waiting[] = underBudget
    ? mission.plan.map((task, i) => ({
        id: ids[i] as string,
        status: 'PENDING',
        agent_id: null,
        agent_hint: task.agentHint ?? null,
        role_hint: task.roleHint ?? null,
        created_at: now + i,
      }))
    : [];
  const waiting = withAdded(dispatchRead.waiting, added);
  const assignments = assignmentsFor(now, settings, waiting, dispatchRead.agents);
  if (!assignments.length) return [];
  return [
    ...assignStatements(db, assignments, now, onlyIf),
    // Only the tasks this approval moves (runner-waits.ts says why). Unguarded: where the
    // decision lost, these tasks are not ASSIGNED by it, and marking any that are is harmless.
    runnerWaitsForTasks(
      db,
      now,
      assignments.map((a) => a.taskId),
    ),
  ];
}
