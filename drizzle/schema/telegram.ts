import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns';

/** A Telegram chat linked to a signed-in HQ user: only these chats reach the CEO. */
export const telegramChats = sqliteTable(
  'telegram_chats',
  {
    chatId: text('chat_id').primaryKey(),
    userEmail: text('user_email').notNull(),
    /** The Telegram account's name when it linked, for the profile page. */
    telegramName: text('telegram_name'),
    /** Notifications to this chat are held back until then (/mute). */
    mutedUntil: epochMs('muted_until'),
    linkedAt: epochMs('linked_at').notNull(),
  },
  (t) => [index('telegram_chats_user_idx').on(t.userEmail)],
);

/** One-time codes from the web app that link a chat (`/start CODE`). Only a hash is kept. */
export const telegramLinkCodes = sqliteTable('telegram_link_codes', {
  codeHash: text('code_hash').primaryKey(),
  userEmail: text('user_email').notNull(),
  createdAt: epochMs('created_at').notNull(),
  expiresAt: epochMs('expires_at').notNull(),
  usedAt: epochMs('used_at'),
});

/** Messages the bot sent that may be edited later (a mission's Approve / Reject message). */
export const telegramMessages = sqliteTable(
  'telegram_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    notificationId: text('notification_id').notNull(),
    chatId: text('chat_id').notNull(),
    messageId: integer('message_id').notNull(),
    missionId: text('mission_id'),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [index('telegram_messages_mission_idx').on(t.missionId)],
);
