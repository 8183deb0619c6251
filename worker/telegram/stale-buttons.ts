import type { Button } from '../ceo/reply';
import type { BotDeps, HqContext } from './context';
import { closeDecision, closedMessage, type DecisionRef, type Outcome } from './decision-messages';
import { fitText, keyboard } from './render';

/**
 * Takes a decided decision's buttons off the message a stale tap came from. A recorded
 * message is closed as the decision's event would have; one sent before messages were
 * recorded is closed from what the tap carries (Telegram sends the message with its buttons).
 */
export async function fixStaleButtons(
  ctx: HqContext,
  deps: Pick<BotDeps, 'env' | 'settings'>,
  decision: DecisionRef,
  outcome: Outcome,
) {
  const message = ctx.callbackQuery?.message;
  if (!message) return;
  const where = { chatId: String(message.chat.id), messageId: message.message_id };
  if ((await closeDecision(deps.env, deps.settings, decision, outcome, where)) > 0) return;
  const rows = message.reply_markup?.inline_keyboard;
  const text = 'text' in message ? message.text : undefined;
  if (!rows || text === undefined) return;
  const buttons: Button[][] = rows.map((row) =>
    row.flatMap((b) => ('callback_data' in b ? [{ label: b.text, action: b.callback_data }] : [])),
  );
  const closed = closedMessage(text, buttons, decision, outcome);
  // Best effort: the tap is answered either way, and a message gone or already fixed stays so.
  await ctx
    .editMessageText(fitText(closed.text), { reply_markup: keyboard(closed.buttons) })
    .catch(() => undefined);
}
