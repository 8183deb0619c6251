import { Api, GrammyError } from 'grammy/web';
import type { MissionDecided } from '../events/types';
import type { SettingsValue } from '../settings/schema';
import { telegramConfig } from './config';
import { fitText } from './render';

/** The line a decided mission's message gets: who decided, and when. */
export function decisionLine(event: Pick<MissionDecided, 'verdict' | 'actor'>, at: string) {
  const when = `${at.slice(0, 16).replace('T', ' ')} UTC`;
  return event.verdict === 'APPROVED'
    ? `✅ Approved by ${event.actor} at ${when}`
    : `❌ Rejected by ${event.actor} at ${when}`;
}

/**
 * Edits every Telegram message that asked about this mission: its buttons go, and a line
 * says who decided and when. Runs for decisions from any face (web, API or a button).
 */
export async function showDecision(
  env: Env,
  settings: SettingsValue,
  event: MissionDecided & { at: string },
): Promise<number> {
  const config = telegramConfig(env, settings);
  if (!config) return 0;
  const { results } = await env.DB.prepare(
    `SELECT m.chat_id AS chatId, m.message_id AS messageId, n.text FROM telegram_messages m
     JOIN notifications n ON n.id = m.notification_id WHERE m.mission_id = ?`,
  )
    .bind(event.missionId)
    .all<{ chatId: string; messageId: number; text: string }>();
  const api = new Api(config.token, { apiRoot: config.apiRoot });
  let edited = 0;
  for (const message of results) {
    try {
      await api.editMessageText(
        message.chatId,
        message.messageId,
        fitText(`${message.text}\n\n${decisionLine(event, event.at)}`),
        { reply_markup: { inline_keyboard: [] } },
      );
      edited++;
    } catch (error) {
      // Already edited (a replay), or deleted by the operator: nothing left to show.
      if (!(error instanceof GrammyError)) throw error;
    }
  }
  return edited;
}
