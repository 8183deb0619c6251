import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns';

export const TIERS = ['IMMEDIATE', 'DIGEST', 'SILENT'] as const;

/** Every notification the CEO considered, sent or suppressed, with the reason. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    eventType: text('event_type').notNull(),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    tier: text('tier', { enum: TIERS }).notNull(),
    status: text('status', { enum: ['sent', 'suppressed', 'pending'] }).notNull(),
    reason: text('reason'),
    fingerprint: text('fingerprint'),
    channel: text('channel'),
    text: text('text').notNull(),
    createdAt: epochMs('created_at').notNull(),
    sentAt: epochMs('sent_at'),
  },
  (t) => [
    index('notifications_time_idx').on(t.createdAt),
    index('notifications_status_idx').on(t.status, t.createdAt),
  ],
);

/** A conversation with the CEO on one face (telegram or web), scoped to one operator. */
export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    channel: text('channel', { enum: ['telegram', 'web'] }).notNull(),
    userEmail: text('user_email').notNull(),
    startedAt: epochMs('started_at').notNull(),
    lastMessageAt: epochMs('last_message_at').notNull(),
    endedAt: epochMs('ended_at'),
  },
  (t) => [index('conversations_user_idx').on(t.userEmail, t.lastMessageAt)],
);

export const conversationMessages = sqliteTable(
  'conversation_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    sender: text('sender', { enum: ['operator', 'ceo'] }).notNull(),
    content: text('content').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [index('conversation_messages_idx').on(t.conversationId, t.id)],
);

export const MEMORY_KINDS = ['decision', 'preference', 'open_loop'] as const;

/** What the CEO remembers from past conversations. */
export const memoryItems = sqliteTable(
  'memory_items',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: MEMORY_KINDS }).notNull(),
    content: text('content').notNull(),
    conversationId: text('conversation_id'),
    resolvedAt: epochMs('resolved_at'),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [index('memory_kind_idx').on(t.kind, t.createdAt)],
);
