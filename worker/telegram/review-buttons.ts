import { roleProblem } from '../ceo/actions';
import type { Operator } from '../ceo/reply';
import { decideReview, reviewOpen, taskTitle } from '../ceo/review-actions';
import { askConversation, askText, awaitComment } from '../ceo/review-asks';
import type { BotDeps, HqContext } from './context';
import { recordDecisionMessage } from './decision-messages';
import { taskOutcome } from './edits';
import { remember } from './messages';
import { fitText, toast } from './render';
import { fixStaleButtons } from './stale-buttons';

const TASK_ACTION = /^task:(approve|changes):([\w-]{4,64})$/;

/**
 * A tap on a task's Approve or Request changes; false when the tap is not one. Operators
 * only, like a mission's buttons. Approve reviews the task at once (the one `reviewTask`,
 * audited; its event edits every message that asked). Request changes asks for the comment:
 * the person's next text in this chat is it (review-comments.ts).
 */
export async function reviewTap(
  ctx: HqContext,
  deps: BotDeps,
  operator: Operator,
  key: string,
): Promise<boolean> {
  const match = TASK_ACTION.exec(ctx.callbackQuery?.data ?? '');
  if (!match) return false;
  const [, verb = '', taskId = ''] = match;
  const denied = roleProblem(operator, 'operator');
  if (denied) {
    await ctx.answerCallbackQuery({ text: toast(denied), show_alert: true });
    return true;
  }
  const closed = verb === 'changes' ? await reviewOpen(deps.env, taskId) : null;
  if (verb === 'approve' || closed) {
    const result = closed
      ? { ok: false, text: closed }
      : await deps.once('review', () =>
          decideReview(deps.env, operator, taskId, 'approve', '', key),
        );
    // Decided elsewhere already: say how it stands, and take the stale buttons off.
    const stale = result.ok ? null : await taskOutcome(deps.env, taskId);
    const answer = stale ? `${stale.subject} is decided: ${stale.line}.` : result.text;
    await ctx.answerCallbackQuery({ text: toast(answer), show_alert: !result.ok });
    if (stale) await fixStaleButtons(ctx, deps, { kind: 'task', id: taskId }, stale);
    await remember(deps, operator, key, `[${verb} button] task ${taskId}`, answer);
    return true;
  }
  const chatId = String(ctx.chat?.id ?? '');
  const title = await taskTitle(deps.env, taskId);
  await deps.once('ask-comment', () =>
    awaitComment(
      deps.env,
      askConversation('telegram', chatId),
      operator,
      { taskId, title },
      deps.now,
    ),
  );
  await ctx.answerCallbackQuery({ text: 'Reply with your comment.' });
  const text = fitText(askText(title));
  const sent = await ctx.reply(text);
  // The question is about the review: decided anywhere meanwhile, it says so.
  if (sent?.chat)
    await recordDecisionMessage(
      deps.env,
      { chatId, messageId: sent.message_id, text, buttons: [] },
      deps.now,
      [{ kind: 'task', id: taskId }],
    );
  await remember(deps, operator, key, `[changes button] task ${taskId}`, text);
  return true;
}
