import { asc, gt } from 'drizzle-orm';
import { domainEvents } from '../../drizzle/schema';
import { database } from '../db/client';
import type { DomainEvent } from './types';

/** Events after `afterId`, oldest first: the one feed every subscriber reads. */
export async function eventsAfter(
  env: Env,
  afterId: number,
  limit: number,
): Promise<DomainEvent[]> {
  const rows = await database(env)
    .select()
    .from(domainEvents)
    .where(gt(domainEvents.id, afterId))
    .orderBy(asc(domainEvents.id))
    .limit(limit)
    .all();
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
