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

const statusRead = (env: Env, id: string) =>
  env.DB.prepare('SELECT status FROM notifications WHERE id = ?').bind(id);

const sentRead = (
  env: Env,
  eventType: string,
  entityId: string,
  since: number,
  proactiveOnly: boolean,
) =>
  env.DB.prepare(
    `SELECT 1 AS found FROM notifications
     WHERE event_type = ? AND entity_id = ? AND status = 'sent' AND sent_at >= ?
       AND (proactive = 1 OR ? = 0) LIMIT 1`,
  ).bind(eventType, entityId, since, proactiveOnly ? 1 : 0);

/** The status of a notification, or null when none has that id. */
export async function notificationStatus(env: Env, id: string): Promise<string | null> {
  const row = await statusRead(env, id).first<{ status: string }>();
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
  return (await sentRead(env, eventType, entityId, since, proactiveOnly).first()) !== null;
}

/**
 * `notificationStatus(id)` and `sentSince(eventType, entityId, since)` in one round trip: what
 * tiering asks of every happening it places (the second only counts for a first placement).
 */
export async function statusAndSentSince(
  env: Env,
  id: string,
  eventType: string,
  entityId: string,
  since: number,
): Promise<{ earlier: string | null; sent: boolean }> {
  const [status, sent] = await env.DB.batch([
    statusRead(env, id),
    sentRead(env, eventType, entityId, since, false),
  ]);
  const row = status?.results[0] as { status: string } | undefined;
  return { earlier: row?.status ?? null, sent: (sent?.results.length ?? 0) > 0 };
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
