import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, json } from './columns';
import { missions } from './work';

/**
 * A proposed mission's edits before approval (brief, tasks, scopes, hints, budget): one
 * numbered revision per edit, with who, why and the semantic diff, like agents' revisions.
 * Revision 0 is the mission as proposed. An approved mission's plan is frozen.
 */
export const missionRevisions = sqliteTable(
  'mission_revisions',
  {
    missionId: text('mission_id')
      .notNull()
      .references(() => missions.id),
    number: integer('number').notNull(),
    actor: text('actor').notNull(),
    reason: text('reason'),
    before: json<Record<string, unknown>>('before'),
    after: json<Record<string, unknown>>('after').notNull(),
    diff: json<unknown[]>('diff').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.missionId, t.number] })],
);
