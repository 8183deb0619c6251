import { auditRow } from '../audit/record';
import { database } from '../db/client';
import type { RoutineFireRow, RoutineRow } from './fire';
import { type FireView, fireViews } from './views';

/**
 * A fire as its caller's answer. A new fire is audited under whoever fired it (an operator, an
 * API token, `webhook`); a repeat of a key wrote nothing, so it adds nothing. The audit entry
 * follows the fire's own batch (the engine's): a fire whose audit failed still stands.
 */
export async function answerFire(
  env: Env,
  routine: RoutineRow,
  result: { fire: RoutineFireRow; duplicate: boolean },
  by: { actor: string; requestId: string },
): Promise<FireView> {
  const { fire } = result;
  if (!result.duplicate) {
    await auditRow(database(env), {
      ...by,
      action: 'routine.fire',
      entityType: 'routine',
      entityId: routine.id,
      summary: {
        fireId: fire.id,
        trigger: fire.trigger,
        status: fire.status,
        reason: fire.reason,
        missionId: fire.missionId,
        planningJobId: fire.planningJobId,
      },
    });
  }
  const [view] = await fireViews(env, [fire]);
  if (!view) throw new Error('a fire without a view');
  return view;
}
