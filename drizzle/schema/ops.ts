import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, json } from './columns';

/** Who did what to which entity, when, in which request. `summary` is redacted before insert. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    requestId: text('request_id').notNull(),
    summary: json<Record<string, unknown>>('summary').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [
    index('audit_actor_idx').on(t.actor, t.id),
    index('audit_entity_idx').on(t.entityType, t.entityId, t.id),
    index('audit_action_idx').on(t.action, t.id),
    index('audit_time_idx').on(t.createdAt),
  ],
);

/** Operator-editable settings (worker switch, thresholds, briefing time...), one JSON value per key. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: json<unknown>('value').notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: epochMs('updated_at').notNull(),
});

/**
 * The outbox of domain events: written in the same batch as the change it describes, read
 * in order by whoever follows the company (the CEO, the office, live dashboards).
 */
export const domainEvents = sqliteTable(
  'domain_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    type: text('type').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    payload: json<Record<string, unknown>>('payload').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [index('domain_events_entity_idx').on(t.entityType, t.entityId, t.id)],
);
