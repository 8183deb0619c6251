import { notifications } from '../../drizzle/schema';
import { database } from '../db/client';
import type { GuardClock } from './policy';
import type { NotificationInsert } from './send';

/** Stores a notification that is not sent (suppressed, or pending in the digest buffer) unless its id exists. */
export async function storeOnce(env: Env, row: NotificationInsert): Promise<boolean> {
  const result = await database(env)
    .insert(notifications)
    .values(row)
    .onConflictDoNothing({ target: notifications.id })
    .run();
  return result.meta.changes === 1;
}

/** The status of a notification, or null when none has that id. */
export async function notificationStatus(env: Env, id: string): Promise<string | null> {
  const row = await env.DB.prepare('SELECT status FROM notifications WHERE id = ?')
    .bind(id)
    .first<{ status: string }>();
  return row?.status ?? null;
}

/**
 * Was a notification of this type about this entity sent since `since`? (dedup layers 1 and
 * 3) With `proactiveOnly`, answers to someone who asked (an on-demand scan) do not count:
 * one person's answer is not everyone's message.
 */
export async function sentSince(
  env: Env,
  eventType: string,
  entityId: string,
  since: number,
  proactiveOnly = false,
): Promise<boolean> {
  const row = await env.DB.prepare(
    `SELECT 1 AS found FROM notifications
     WHERE event_type = ? AND entity_id = ? AND status = 'sent' AND sent_at >= ?
       AND (proactive = 1 OR ? = 0) LIMIT 1`,
  )
    .bind(eventType, entityId, since, proactiveOnly ? 1 : 0)
    .first();
  return row !== null;
}

/** The fingerprint of the last digest that went out (dedup layer 2). */
export async function lastDigestFingerprint(env: Env): Promise<string | null> {
  const row = await env.DB.prepare(
    `SELECT fingerprint FROM notifications WHERE event_type = 'digest' AND status = 'sent'
     ORDER BY sent_at DESC LIMIT 1`,
  ).first<{ fingerprint: string | null }>();
  return row?.fingerprint ?? null;
}

/** The guards' clock, read from D1, so it survives the CEO's restarts. */
export async function readGuardClock(env: Env): Promise<GuardClock> {
  const row = await env.DB.prepare(
    `SELECT
       (SELECT MAX(created_at) FROM conversation_messages WHERE sender = 'operator') AS operator,
       (SELECT MAX(created_at) FROM notifications WHERE proactive = 1 AND status = 'failed') AS failed,
       (SELECT MAX(sent_at) FROM notifications WHERE proactive = 1 AND status = 'sent') AS sent`,
  ).first<{ operator: number | null; failed: number | null; sent: number | null }>();
  return {
    lastOperatorMessageAt: row?.operator ?? null,
    lastFailedProactiveAt: row?.failed ?? null,
    lastProactiveSentAt: row?.sent ?? null,
  };
}
