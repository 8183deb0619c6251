import { eq } from 'drizzle-orm';
import { missions } from '../../drizzle/schema';
import { roleAtLeast } from '../auth/roles';
import { database } from '../db/client';
import { DomainError } from '../errors';
import { decide } from '../missions/decide';
import { settingWrites } from '../settings/save';
import type { SettingsValue } from '../settings/schema';
import type { Operator } from './reply';
import { findMission } from './views/work';

/** Why `operator` may not do something that needs `min`, or null when they may. */
export function roleProblem(operator: Operator, min: 'operator' | 'admin'): string | null {
  return roleAtLeast(operator.role, min)
    ? null
    : `That needs the ${min} role; ${operator.email} is ${operator.role}.`;
}

/**
 * Approves or rejects a mission for an operator talking to the CEO, through the same
 * exactly-once decision as the web app. `requestId` names the cause (a Telegram update,
 * a chat message), so the same tap or message processed twice decides once.
 */
export async function decideMission(
  env: Env,
  operator: Operator,
  idOrPrefix: string,
  verdict: 'APPROVED' | 'REJECTED',
  reason: string | null,
  requestId: string,
  /** The revision the operator was shown (a button's), when known: a later edit refuses. */
  shownRevision?: number,
): Promise<{ ok: boolean; text: string; missionId?: string; changed?: boolean }> {
  const denied = roleProblem(operator, 'operator');
  if (denied) return { ok: false, text: denied };
  const found = await findMission(env, idOrPrefix);
  if (typeof found === 'string') return { ok: false, text: found };
  const row = await database(env).select().from(missions).where(eq(missions.id, found.id)).get();
  if (!row) return { ok: false, text: `No mission ${idOrPrefix}.` };
  try {
    const { changed } = await decide(
      env,
      { actor: operator.email, requestId },
      { ...row, revision: shownRevision ?? row.revision },
      verdict,
      reason,
    );
    const verb = verdict === 'APPROVED' ? 'approved' : 'rejected';
    return {
      ok: true,
      missionId: row.id,
      changed,
      text: changed
        ? `Mission "${row.title}" ${verb}.${verdict === 'APPROVED' ? ` ${row.plan.length} task(s) are on their way.` : ''}`
        : `Mission "${row.title}" was already ${verb}.`,
    };
  } catch (error) {
    // Decided meanwhile the other way: the operator hears why, as for any refusal above.
    if (error instanceof DomainError && error.code === 'conflict')
      return { ok: false, text: error.message };
    throw error;
  }
}

/** Pauses or resumes every worker (the global switch), audited; admins only, as in Settings. */
export async function setWorkerSwitch(
  env: Env,
  settings: SettingsValue,
  operator: Operator,
  on: boolean,
  requestId: string,
): Promise<string> {
  const denied = roleProblem(operator, 'admin');
  if (denied) return denied;
  const db = database(env);
  if (settings.workerSwitch !== on) {
    const by = { actor: operator.email, requestId };
    await db.batch(settingWrites(db, 'workerSwitch', settings.workerSwitch, on, by));
  }
  return on
    ? 'Workers resumed: waiting tasks are assigned again.'
    : 'Workers paused: no new task is assigned until they are resumed. Running tasks finish.';
}
