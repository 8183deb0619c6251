import { Api, GrammyError, HttpError } from 'grammy/web';
import type { Outgoing, OutsideDelivery } from '../ceo/deliver';
import { WEB_CHANNEL } from '../ceo/deliver';
import type { Button } from '../ceo/reply';
import { missionButtons, reviewButtons } from '../ceo/views/work';
import { linkedChats, linkedChatsFrom, linkedChatsStatement } from './chats';
import { telegramConfig } from './config';
import { recordDecisionMessage } from './decision-messages';
import { fitText, keyboard } from './render';

/** What went wrong with a Bot API call, without the token (it is part of the URL grammY calls). */
export function telegramProblem(error: unknown): string {
  if (error instanceof GrammyError)
    return `Telegram said ${error.error_code}: ${error.description}`;
  if (error instanceof HttpError) return 'Telegram could not be reached';
  return 'sending to Telegram failed';
}

/** Telegram allows 100 rows of buttons; a digest names a few decisions at most. */
const MAX_DECISION_ROWS = 10;
const short = (title: string) => (title.length > 24 ? `${title.slice(0, 23)}…` : title);

/**
 * The buttons of each decision the message asks for: Approve / Reject a proposed mission,
 * Approve / Request changes a task in review. Each button names its subject when there are
 * several (a digest), as the message's text does.
 */
function decisionButtons(message: Outgoing): Button[][] {
  const rows = [
    ...(message.missions ?? []).map((m) => ({
      title: m.title,
      row: missionButtons(m.id, m.revision),
    })),
    ...(message.reviews ?? []).map((t) => ({ title: t.title, row: reviewButtons(t.id) })),
  ].slice(0, MAX_DECISION_ROWS);
  return rows.map(({ title, row }) =>
    rows.length === 1 ? row : row.map((b) => ({ ...b, label: `${b.label} "${short(title)}"` })),
  );
}

/**
 * The CEO's notifications on Telegram. When Telegram is set up, every linked chat that is
 * not muted gets the message; it failed only when no such chat could be reached. Without a
 * bot or a chat it went to the web app's list alone, which cannot fail.
 */
export const telegramDelivery: OutsideDelivery = {
  reads: (env, settings) => (telegramConfig(env, settings) ? [linkedChatsStatement(env.DB)] : []),
  async deliver(env, settings, message, now, read) {
    const config = telegramConfig(env, settings);
    if (!config) return { channel: WEB_CHANNEL, error: null };
    // Read in the send's claim batch when the caller ran `reads` (send.ts), else now.
    const linked = read?.[0] ? linkedChatsFrom(env, read[0]) : await linkedChats(env);
    const chats = linked.filter((c) => !c.mutedUntil || c.mutedUntil <= now);
    if (!chats.length) return { channel: WEB_CHANNEL, error: null };
    const api = new Api(config.token, { apiRoot: config.apiRoot });
    const problems: string[] = [];
    let reached = 0;
    const buttons = decisionButtons(message);
    // Past the rows shown, a review still closes the message it is named in.
    const reviews = (message.reviews ?? []).map((t) => ({ kind: 'task' as const, id: t.id }));
    // A question has no button: its message is kept so that a reply to it answers it.
    const questions = (message.questions ?? []).map((q) => ({
      kind: 'question' as const,
      id: q.id,
    }));
    for (const chat of chats) {
      try {
        const text = fitText(message.text);
        const sent = await api.sendMessage(chat.chatId, text, {
          ...(buttons.length ? { reply_markup: keyboard(buttons) } : {}),
        });
        reached++;
        await recordDecisionMessage(
          env,
          { chatId: chat.chatId, messageId: sent.message_id, text, buttons },
          now,
          [...reviews, ...questions],
        );
      } catch (error) {
        problems.push(telegramProblem(error));
      }
    }
    if (reached === 0) return { channel: WEB_CHANNEL, error: problems.join('; ') };
    return { channel: `${WEB_CHANNEL}+telegram`, error: null };
  },
};
