import { Api, GrammyError, HttpError } from 'grammy/web';
import type { OutsideDelivery } from '../ceo/deliver';
import { WEB_CHANNEL } from '../ceo/deliver';
import { missionButtons } from '../ceo/views/work';
import { linkedChats } from './chats';
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

/**
 * The CEO's notifications on Telegram. When Telegram is set up, every linked chat that is
 * not muted gets the message; it failed only when no such chat could be reached. Without a
 * bot or a chat it went to the web app's list alone, which cannot fail.
 */
export const telegramDelivery: OutsideDelivery = {
  async deliver(env, settings, message, now) {
    const config = telegramConfig(env, settings);
    if (!config) return { channel: WEB_CHANNEL, error: null };
    const chats = (await linkedChats(env)).filter((c) => !c.mutedUntil || c.mutedUntil <= now);
    if (!chats.length) return { channel: WEB_CHANNEL, error: null };
    const api = new Api(config.token, { apiRoot: config.apiRoot });
    const problems: string[] = [];
    let reached = 0;
    for (const chat of chats) {
      try {
        const buttons = message.missionId ? [missionButtons(message.missionId)] : [];
        const text = fitText(message.text);
        const sent = await api.sendMessage(chat.chatId, text, {
          ...(buttons.length ? { reply_markup: keyboard(buttons) } : {}),
        });
        reached++;
        const review = message.reviewTaskId
          ? { kind: 'task' as const, id: message.reviewTaskId }
          : undefined;
        await recordDecisionMessage(
          env,
          { chatId: chat.chatId, messageId: sent.message_id, text, buttons },
          now,
          review,
        );
      } catch (error) {
        problems.push(telegramProblem(error));
      }
    }
    if (reached === 0) return { channel: WEB_CHANNEL, error: problems.join('; ') };
    return { channel: `${WEB_CHANNEL}+telegram`, error: null };
  },
};
