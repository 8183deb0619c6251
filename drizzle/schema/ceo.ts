import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { epochMs, flag, json } from './columns';

export const TIERS = ['IMMEDIATE', 'DIGEST', 'SILENT'] as const;
export const NOTIFICATION_STATUSES = [
  'pending',
  'sending',
  'sent',
  'suppressed',
  'failed',
] as const;

/**
 * Every notification the CEO considered, sent or suppressed, with the reason. The id is
 * derived from what caused it (`event-<id>`, `digest-<flush>`, `briefing-<date>`...), so
 * processing the same cause twice cannot store or send it twice.
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    eventType: text('event_type').notNull(),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    tier: text('tier', { enum: TIERS }).notNull(),
    status: text('status', { enum: NOTIFICATION_STATUSES }).notNull(),
    reason: text('reason'),
    fingerprint: text('fingerprint'),
    channel: text('channel'),
    /** Digests, scans and briefings: the CEO started the conversation (spacing guard applies). */
    proactive: flag('proactive').notNull().default(false),
    /** Low-signal events only matter in numbers (digest quality gate). */
    lowSignal: flag('low_signal').notNull().default(false),
    text: text('text').notNull(),
    /** The text before the voice layer rewrote it. */
    rawText: text('raw_text'),
    /** How the text was voiced: persona, or raw and why (no_model, budget, timeout, error). */
    voice: text('voice'),
    /** The digest this event went out in (or was suppressed with). */
    digestId: text('digest_id'),
    details: json<Record<string, unknown>>('details'),
    createdAt: epochMs('created_at').notNull(),
    sentAt: epochMs('sent_at'),
  },
  (t) => [
    index('notifications_time_idx').on(t.createdAt),
    index('notifications_status_idx').on(t.status, t.createdAt),
    index('notifications_subject_idx').on(t.eventType, t.entityId, t.createdAt),
    index('notifications_digest_idx').on(t.digestId),
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
    /** What memory extraction made of it once idle: done, empty, no_model, failed, below_operator. */
    extraction: text('extraction'),
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
    /** What the message came from (a queue item key): stored once however often it is processed. */
    sourceKey: text('source_key'),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [
    index('conversation_messages_idx').on(t.conversationId, t.id),
    uniqueIndex('conversation_messages_source_idx').on(t.sourceKey),
  ],
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
    /** Whose conversation it came from: an operator or admin when it was extracted. */
    sourceEmail: text('source_email'),
    resolvedAt: epochMs('resolved_at'),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [index('memory_kind_idx').on(t.kind, t.createdAt)],
);

/**
 * A write the CEO proposed in a conversation and the operator has not confirmed yet. It runs
 * only on an explicit confirmation by the same operator, once, before it expires.
 */
export const pendingActions = sqliteTable(
  'pending_actions',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    userEmail: text('user_email').notNull(),
    tool: text('tool').notNull(),
    args: json<Record<string, unknown>>('args').notNull(),
    /** What will happen, in words, as the operator was asked. */
    summary: text('summary').notNull(),
    createdAt: epochMs('created_at').notNull(),
    expiresAt: epochMs('expires_at').notNull(),
    /** confirmed, cancelled or superseded, once decided. */
    outcome: text('outcome'),
    decidedAt: epochMs('decided_at'),
  },
  (t) => [index('pending_actions_conversation_idx').on(t.conversationId, t.createdAt)],
);
