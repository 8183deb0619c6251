import type { ClosedQuestion } from '../ceo/reply';
import type { SettingsValue } from '../settings/schema';
import { closeDecision, minuteUtc } from './decision-messages';

/** The line a closed question's message gets. */
function questionLine(question: ClosedQuestion, who: string, at: string) {
  switch (question.outcome) {
    case 'confirmed':
      return `✔ Confirmed by ${who} at ${minuteUtc(at)}`;
    case 'cancelled':
      return `✖ Cancelled by ${who} at ${minuteUtc(at)}`;
    case 'replaced':
      return '⏹ Replaced by a newer question';
  }
}

/**
 * Takes the Confirm / Cancel buttons off every recorded message of questions that are no
 * longer open, however they closed (a tap, a typed "yes", a newer question), and says how.
 * Returns how many messages were edited.
 */
export async function closeQuestions(
  env: Env,
  settings: SettingsValue,
  closed: ClosedQuestion[],
  who: string,
  now: number,
): Promise<number> {
  const at = new Date(now).toISOString();
  let edited = 0;
  for (const question of closed) {
    const outcome = { line: questionLine(question, who, at), subject: 'The question' };
    edited += await closeDecision(env, settings, { kind: 'action', id: question.id }, outcome);
  }
  return edited;
}
