import type { Context } from 'hono';
import { auditLog } from '../../drizzle/schema';
import type { Db } from '../db/client';
import type { HonoEnv } from '../env';
import { redact } from './redact';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  summary?: Record<string, unknown>;
  /** Defaults to the signed-in user. */
  actor?: string;
}

/**
 * The insert for one audit row, to be batched with the write it describes so that both
 * land or neither does. The summary is redacted here, at write time.
 */
export function auditInsert(db: Db, c: Context<HonoEnv>, entry: AuditEntry) {
  return auditRow(db, {
    ...entry,
    actor: entry.actor ?? c.get('user').email,
    requestId: c.get('requestId'),
  });
}

/** The same insert where there is no request context (a Durable Object acting for a request). */
export function auditRow(db: Db, entry: AuditEntry & { actor: string; requestId: string }) {
  return db.insert(auditLog).values({
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    requestId: entry.requestId,
    summary: redact(entry.summary ?? {}),
    createdAt: Date.now(),
  });
}
