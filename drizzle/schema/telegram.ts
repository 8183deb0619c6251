import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { epochMs, json } from './columns';

/**
 * A private Telegram chat linked to a signed-in HQ user: only these chats reach the CEO, and
 * only from the Telegram account that linked it (`telegramUserId`, checked on every update).
 */
export const telegramChats = sqliteTable(
  'telegram_chats',
  {
    chatId: text('chat_id').primaryKey(),
    userEmail: text('user_email').notNull(),
    /** The Telegram user who sent the code; in a private chat it equals the chat id. */
    telegramUserId: text('telegram_user_id').notNull(),
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

/**
 * Every message the bot sent that carries a decision's buttons, one row per decision it
 * carries (a /missions list carries several). When that decision is made, from any face, the
 * message is edited: that decision's buttons go and a line says the outcome. `text` and
 * `buttons` are the message as it stands now, so a later edit keeps the other decisions'.
 */
export const telegramDecisionMessages = sqliteTable(
  'telegram_decision_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    chatId: text('chat_id').notNull(),
    messageId: integer('message_id').notNull(),
    /**
     * What is decided: `mission` (approve / reject), `task` (a review), `action` (a CEO
     * question) or `question` (an agent's, answered by replying). A plain text column: the
     * list is TypeScript's only, so a new kind needs no migration.
     */
    decisionKind: text('decision_kind', {
      enum: ['mission', 'task', 'action', 'question'],
    }).notNull(),
    decisionId: text('decision_id').notNull(),
    text: text('text').notNull(),
    /** The buttons still shown, as rows of { label, action }. */
    buttons: json<{ label: string; action: string }[][]>('buttons').notNull(),
    /** How many decisions the message carried when sent: with several, each outcome names its subject. */
    decisions: integer('decisions').notNull().default(1),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('telegram_decision_messages_unique').on(
      t.chatId,
      t.messageId,
      t.decisionKind,
      t.decisionId,
    ),
    index('telegram_decision_messages_decision_idx').on(t.decisionKind, t.decisionId),
  ],
);
