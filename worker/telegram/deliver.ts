import { Api, GrammyError, HttpError } from 'grammy/web';
import type { OutsideDelivery } from '../ceo/deliver';
import { WEB_CHANNEL } from '../ceo/deliver';
import { missionButtons } from '../ceo/views/work';
import { linkedChats } from './chats';
import { telegramConfig } from './config';
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
        const sent = await api.sendMessage(chat.chatId, fitText(message.text), {
          ...(message.missionId
            ? { reply_markup: keyboard([missionButtons(message.missionId)]) }
            : {}),
        });
        reached++;
        if (message.missionId) {
          await env.DB.prepare(
            `INSERT INTO telegram_messages (notification_id, chat_id, message_id, mission_id, created_at)
             VALUES (?, ?, ?, ?, ?)`,
          )
            .bind(message.id, chat.chatId, sent.message_id, message.missionId, now)
            .run();
        }
      } catch (error) {
        problems.push(telegramProblem(error));
      }
    }
    if (reached === 0) return { channel: WEB_CHANNEL, error: problems.join('; ') };
    return { channel: `${WEB_CHANNEL}+telegram`, error: null };
  },
};
