import type { UserFromGetMe } from 'grammy/types';
import { envValue } from '../env';
import type { SettingsValue } from '../settings/schema';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';

export interface TelegramConfig {
  token: string;
  /** Compared in constant time with X-Telegram-Bot-Api-Secret-Token. */
  webhookSecret: string | null;
  /** The Bot API server: Telegram's, or a self-hosted telegram-bot-api (settings). */
  apiRoot: string;
  /** Who the bot is, from configuration, so a webhook never waits for getMe. */
  botInfo: UserFromGetMe;
}

/**
 * The bot's configuration, or null when Telegram is not set up (the CEO then speaks through
 * the web app only). The bot's id is the token's prefix; its username is configured.
 */
export function telegramConfig(env: Env, settings: SettingsValue): TelegramConfig | null {
  const token = envValue(env, 'TELEGRAM_BOT_TOKEN');
  const id = Number(token?.split(':')[0]);
  if (!token || !Number.isSafeInteger(id)) return null;
  const username = envValue(env, 'TELEGRAM_BOT_USERNAME') ?? `bot${id}`;
  return {
    token,
    webhookSecret: envValue(env, 'TELEGRAM_WEBHOOK_SECRET') ?? null,
    apiRoot: settings.telegram.apiRoot ?? DEFAULT_API_ROOT,
    botInfo: {
      id,
      is_bot: true,
      first_name: username,
      username,
      can_join_groups: false,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    },
  };
}
