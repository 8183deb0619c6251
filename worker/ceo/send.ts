import { inArray } from 'drizzle-orm';
import { notifications } from '../../drizzle/schema';
import { database } from '../db/client';
import type { SettingsValue } from '../settings/schema';
import { type OutsideDelivery, REPLY_CHANNEL } from './deliver';
import { openDecisionReads } from './open-decisions';

export type NotificationInsert = typeof notifications.$inferInsert;

export interface SendOutcome {
  status: 'sent' | 'failed';
  channel: string | null;
  /** False when an earlier run had already claimed this notification: nothing left this time. */
  claimedNow: boolean;
}

/**
 * Sends one notification at most once, whatever restarts or overlaps happen around it. The
 * row is claimed in D1 as `sending` (with `attached` rows: a digest's members, a scan's
 * findings, each pointing at it by `digestId`) before anything leaves HQ. A claim that
 * already exists means an earlier run got that far: its outcome stands, and a claim it left
 * unfinished counts as sent (`delivery_unconfirmed`) rather than risking a second copy.
 */
export async function sendOnce(
  env: Env,
  settings: SettingsValue,
  outside: OutsideDelivery,
  row: NotificationInsert,
  now: number,
  attached: NotificationInsert[] = [],
): Promise<SendOutcome> {
  const db = database(env);
  const sending = { status: 'sending' as const, sentAt: null, channel: null };
  const claims = [
    db
      .insert(notifications)
      .values({ ...row, ...sending })
      .onConflictDoNothing({ target: notifications.id }),
    ...attached.map((member) =>
      db
        .insert(notifications)
        .values({ ...member, ...sending, digestId: row.id })
        .onConflictDoUpdate({
          target: notifications.id,
          set: { status: 'sending', digestId: row.id, reason: member.reason ?? null },
          // Only a member still waiting (or claimed by an earlier run of this send) joins it: a
          // rerun must not reopen members whose outcome is already recorded.
          setWhere: inArray(notifications.status, ['pending', 'sending']),
        }),
    ),
  ].map((query) => {
    // As plain D1 statements, so the open decisions' reads can ride in the claim's batch.
    const { sql, params } = query.toSQL();
    return env.DB.prepare(sql).bind(...params);
  });
  // An answer to someone who asked (an on-demand scan) goes back to them only, not to every chat.
  const toAsker = row.channel === REPLY_CHANNEL;
  const decisions = toAsker ? undefined : openDecisionReads(env.DB, [row, ...attached]);
  // What the delivery reads before sending (Telegram's linked chats) rides in the claim too.
  const deliveryReads = decisions ? (outside.reads?.(env, settings) ?? []) : [];
  const asked = decisions?.statements ?? [];
  const results = await env.DB.batch([...claims, ...asked, ...deliveryReads]);
  if (results[0]?.meta.changes !== 1)
    return { ...(await settleEarlierClaim(env, row.id)), claimedNow: false };

  const afterAsked = claims.length + asked.length;
  const { channel, error } = !decisions
    ? { channel: REPLY_CHANNEL, error: null }
    : await outside.deliver(
        env,
        settings,
        {
          id: row.id,
          text: row.text,
          ...decisions.from(results.slice(claims.length, afterAsked)),
        },
        now,
        deliveryReads.length ? results.slice(afterAsked) : undefined,
      );
  const status = error ? ('failed' as const) : ('sent' as const);
  await env.DB.batch([
    env.DB.prepare(
      `UPDATE notifications SET status = ?, channel = ?, sent_at = ?, reason = ?,
         details = json_set(COALESCE(details, '{}'), '$.error', ?) WHERE id = ?`,
    ).bind(
      status,
      channel,
      error ? null : now,
      error ? 'send_failed' : (row.reason ?? null),
      error,
      row.id,
    ),
    env.DB.prepare(
      `UPDATE notifications SET status = ?, channel = ?, sent_at = ? WHERE digest_id = ? AND status = 'sending'`,
    ).bind(status, channel, error ? null : now, row.id),
  ]);
  return { status, channel, claimedNow: true };
}

/** An earlier run's claim: its outcome, after closing one it left in `sending`. */
export async function settleEarlierClaim(
  env: Env,
  id: string,
): Promise<Omit<SendOutcome, 'claimedNow'>> {
  await env.DB.batch([
    env.DB.prepare(
      `UPDATE notifications SET status = 'sent', reason = 'delivery_unconfirmed', sent_at = created_at
       WHERE id = ? AND status = 'sending'`,
    ).bind(id),
    env.DB.prepare(
      `UPDATE notifications SET status = 'sent', sent_at = (SELECT sent_at FROM notifications WHERE id = ?1)
       WHERE digest_id = ?1 AND status = 'sending'`,
    ).bind(id),
  ]);
  const row = await env.DB.prepare('SELECT status, channel FROM notifications WHERE id = ?')
    .bind(id)
    .first<{ status: string; channel: string | null }>();
  return { status: row?.status === 'failed' ? 'failed' : 'sent', channel: row?.channel ?? null };
}
