import type { DomainEvent } from '../events/types';
import type { SettingsValue } from '../settings/schema';
import { dedupSince } from './tiering';

/** What tiering asks before placing a happening (statusAndSentSince), answered ahead. */
export type PlacedBefore = (
  key: string,
  type: string,
  entityId: string,
) => { earlier: string | null; sent: boolean } | undefined;

/** Every id an event may be about: the entity its happening names is one of them. */
const ENTITY_FIELDS = ['taskId', 'missionId', 'agentId', 'questionId', 'routineId'] as const;

function entityIdsOf(event: DomainEvent): string[] {
  const fields = event as unknown as Record<string, unknown>;
  return ENTITY_FIELDS.map((field) => fields[field]).filter(
    (id): id is string => typeof id === 'string',
  );
}

/**
 * statusAndSentSince for a whole run of events (durable-objects/ceo/event-run.ts), as two
 * statements for the run's own batch: what was stored under each event's notification id, and
 * which IMMEDIATE types (the only ones tiering checks for repeats) were sent since the dedup
 * window opened about any entity the events name. `from` answers as statusAndSentSince would
 * have just before the happening was placed, or undefined (the caller reads it then) for a
 * type or entity not read, and for the second happening of a type and entity in the run: the
 * first one's send, made after this read, counts for it.
 */
export function placedBeforeReads(
  db: D1Database,
  settings: SettingsValue,
  events: DomainEvent[],
  now: number,
) {
  const keys = events.map((event) => `event-${event.id}`);
  const entities = [...new Set(events.flatMap(entityIdsOf))];
  const types = Object.entries(settings.notificationRules)
    .filter(([, rule]) => rule.tier === 'IMMEDIATE')
    .map(([type]) => type);
  return {
    statements: [
      db
        .prepare(
          'SELECT id, status FROM notifications WHERE id IN (SELECT value FROM json_each(?))',
        )
        .bind(JSON.stringify(keys)),
      // `+status`, `+sent_at`: by the subject index, type by entity; left to itself SQLite
      // walked the status index over every notification sent.
      db
        .prepare(
          `SELECT DISTINCT event_type AS type, entity_id AS entityId FROM notifications
           WHERE event_type IN (SELECT value FROM json_each(?1))
             AND entity_id IN (SELECT value FROM json_each(?2))
             AND +status = 'sent' AND +sent_at >= ?3`,
        )
        .bind(JSON.stringify(types), JSON.stringify(entities), dedupSince(settings, now)),
    ],
    from([stored, sent]: D1Result[]): PlacedBefore {
      const statuses = new Map(
        ((stored?.results ?? []) as { id: string; status: string }[]).map((r) => [r.id, r.status]),
      );
      const said = new Set(
        ((sent?.results ?? []) as { type: string; entityId: string }[]).map(
          (r) => `${r.type}\n${r.entityId}`,
        ),
      );
      const asked = new Set<string>();
      const read = { keys: new Set(keys), entities: new Set(entities), types: new Set(types) };
      return (key, type, entityId) => {
        const subject = `${type}\n${entityId}`;
        const known = read.keys.has(key) && read.entities.has(entityId) && read.types.has(type);
        if (!known || asked.has(subject)) return undefined;
        asked.add(subject);
        return { earlier: statuses.get(key) ?? null, sent: said.has(subject) };
      };
    },
  };
}
