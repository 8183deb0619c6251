import type { SettingsValue } from '../settings/schema';
import { roleProblem } from './actions';
import { parseCommand } from './commands';
import { recordExchange } from './conversations';
import type { Operator, Reply } from './reply';
import { decideReview, reviewOpen, taskTitle } from './review-actions';
import { askConversation, askText, awaitComment, cancelText, claimAsk } from './review-asks';

const TASK_ACTION = /^task:(approve|changes):([\w-]{4,64})$/;

/** A web chat turn: a message or a button's action. */
interface Turn {
  key: string;
  operator: Operator;
  text?: string;
  action?: string;
}

/** What the turn does to a review, or null when it is not about one. */
async function answer(env: Env, turn: Turn, now: number): Promise<Reply | null> {
  const { operator } = turn;
  const conversation = askConversation('web', operator.email);
  const action = TASK_ACTION.exec(turn.action ?? '');
  if (action) {
    const [, verb = '', taskId = ''] = action;
    if (verb === 'approve')
      return { text: (await decideReview(env, operator, taskId, 'approve', '', turn.key)).text };
    const refused = roleProblem(operator, 'operator') ?? (await reviewOpen(env, taskId));
    if (refused) return { text: refused };
    const title = await taskTitle(env, taskId);
    await awaitComment(env, conversation, operator, { taskId, title }, now);
    return { text: askText(title) };
  }
  if (turn.text === undefined) return null;
  const command = parseCommand(turn.text);
  if (command?.name === 'cancel')
    return {
      text: cancelText(await claimAsk(env, conversation, operator.email, 'cancelled', now)),
    };
  if (command) return null;
  const ask = await claimAsk(env, conversation, operator.email, 'confirmed', now);
  if (!ask) return null;
  const comments = turn.text.trim();
  return {
    text: (await decideReview(env, operator, ask.taskId, 'changes', comments, turn.key)).text,
  };
}

/**
 * The web chat's side of the review buttons, as on Telegram: Approve reviews the task at
 * once; Request changes asks, and the operator's next message in the chat is the comment
 * (`/cancel` drops it). Recorded in the conversation; null when the turn is not about a review.
 */
export async function webReviewTurn(
  env: Env,
  settings: SettingsValue,
  turn: Turn,
  now: number,
): Promise<Reply | null> {
  const reply = await answer(env, turn, now);
  if (!reply) return null;
  const said = turn.text ?? `[${turn.action} button]`;
  const message = {
    key: turn.key,
    channel: 'web' as const,
    userEmail: turn.operator.email,
    at: now,
  };
  await recordExchange(env, settings, { ...message, text: said }, reply.text);
  return reply;
}
