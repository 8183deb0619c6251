import { Api, GrammyError, HttpError } from 'grammy/web';
import type { SettingsValue } from '../settings/schema';
import { linkedChats } from '../telegram/chats';
import { telegramConfig } from '../telegram/config';
import { fitText, keyboard } from '../telegram/render';
import { missionButtons } from './views/work';

/** Where sent notifications always go: the app's notification list. */
export const WEB_CHANNEL = 'web';
/** A notification that answers someone who asked: it goes back to them, not to every chat. */
export const REPLY_CHANNEL = 'reply';

export interface Outgoing {
  id: string;
  text: string;
  /** A proposed mission: the message carries Approve / Reject buttons. */
  missionId?: string | null;
}

export interface Delivery {
  /** Where the message went: `web`, or `web+telegram`. */
  channel: string;
  /** Why it reached no outside channel it should have, or null. */
  error: string | null;
}

/** What went wrong with a Bot API call, without the token (it is part of the URL grammY calls). */
export function telegramProblem(error: unknown): string {
  if (error instanceof GrammyError)
    return `Telegram said ${error.error_code}: ${error.description}`;
  if (error instanceof HttpError) return 'Telegram could not be reached';
  return 'sending to Telegram failed';
}

/**
 * Puts a claimed notification in front of the operators. The web app's list reads the row
 * itself, so the web channel cannot fail. When Telegram is set up, every linked chat that is
 * not muted gets the message; it failed only when no such chat could be reached.
 */
export async function deliver(
  env: Env,
  settings: SettingsValue,
  message: Outgoing,
  now: number,
): Promise<Delivery> {
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
}
