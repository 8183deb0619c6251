import type { SettingsValue } from '../../settings/schema';
import { decideMission, roleProblem } from '../actions';
import { recordExchange } from '../conversations';
import type { Operator, Reply } from '../reply';
import { findMission } from '../views/work';
import { editPath } from './draft';

// A mission's buttons on the faces that are not Telegram's callbacks: Approve and Reject
// decide through the same exactly-once path as Telegram and the web app (decideMission, with
// the operator's role checked now); Edit points to the propose form, prefilled from the draft.

/** `@N`: the plan revision the card showed (see missionButtons). */
export const MISSION_ACTION = /^mission:(approve|reject|edit):([\w-]{4,64})(?:@(\d{1,9}))?$/;

/** What Edit answers: where the draft is edited, or why it cannot be. */
export async function editAnswer(env: Env, operator: Operator, id: string): Promise<string> {
  const refused = roleProblem(operator, 'operator');
  if (refused) return refused;
  const mission = await findMission(env, id);
  if (typeof mission === 'string') return mission;
  if (mission.status !== 'PROPOSED')
    return `Mission "${mission.title}" is ${mission.status}: there is no draft left to edit.`;
  return `Edit "${mission.title}" in the web app: ${editPath(mission.id)} opens the propose form filled in from it. Proposing your version rejects this draft as replaced.`;
}

/** A web chat turn's mission button, answered and recorded; null for any other turn. */
export async function webMissionTurn(
  env: Env,
  settings: SettingsValue,
  turn: { key: string; operator: Operator; action?: string },
  now: number,
): Promise<Reply | null> {
  const match = MISSION_ACTION.exec(turn.action ?? '');
  if (!match) return null;
  const [, verb = '', id = '', shown] = match;
  const { operator } = turn;
  const text =
    verb === 'edit'
      ? await editAnswer(env, operator, id)
      : (
          await decideMission(
            env,
            operator,
            id,
            verb === 'approve' ? 'APPROVED' : 'REJECTED',
            verb === 'reject' ? `rejected in the web chat by ${operator.email}` : null,
            turn.key,
            shown === undefined ? undefined : Number(shown),
          )
        ).text;
  const message = { key: turn.key, channel: 'web' as const, userEmail: operator.email, at: now };
  await recordExchange(env, settings, { ...message, text: `[${turn.action} button]` }, text);
  return { text };
}
