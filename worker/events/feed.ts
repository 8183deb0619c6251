import { asc, gt } from 'drizzle-orm';
import { domainEvents } from '../../drizzle/schema';
import { type Db, database } from '../db/client';
import type { DomainEvent } from './types';

/** Events after `afterId`, oldest first: the one feed every subscriber reads. */
export async function eventsAfter(
  env: Env,
  afterId: number,
  limit: number,
): Promise<DomainEvent[]> {
  return eventsFrom(await eventsAfterQuery(database(env), afterId, limit).all());
}

/** eventsAfter as a query, for a reader's own batch (the CEO reads it with its settings). */
export function eventsAfterQuery(db: Db, afterId: number, limit: number) {
  return db
    .select()
    .from(domainEvents)
    .where(gt(domainEvents.id, afterId))
    .orderBy(asc(domainEvents.id))
    .limit(limit);
}

/** The events of eventsAfterQuery's rows. */
export function eventsFrom(rows: (typeof domainEvents.$inferSelect)[]): DomainEvent[] {
  return rows.map(
    (row) =>
      ({
        ...row.payload,
        type: row.type,
        id: row.id,
        at: new Date(row.createdAt).toISOString(),
      }) as DomainEvent,
  );
}
