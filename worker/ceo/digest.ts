import { and, eq, inArray } from 'drizzle-orm';
import { notifications } from '../../drizzle/schema';
import { database } from '../db/client';
import type { SettingsValue } from '../settings/schema';
import { type DigestMember, digestFingerprint, digestGate } from './policy';
import { lastDigestFingerprint, notificationExists, WEB_CHANNEL } from './store';
import { voice } from './voice';

/** A DIGEST event waiting in the CEO's buffer. */
export interface BufferedMember extends DigestMember {
  id: string;
  text: string;
  at: number;
}

const MAX_LINES = 20;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function digestText(members: BufferedMember[]): string {
  const lines = members.slice(0, MAX_LINES).map((m) => `• ${m.text}`);
  if (members.length > MAX_LINES) lines.push(`…and ${members.length - MAX_LINES} more.`);
  return `Since the last update (${members.length} event${members.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/**
 * Sends or suppresses one digest: the quality gate, then dedup layer 2 (same fingerprint as
 * the last digest sent). The digest's id is its flush's id, so a flush resumed after a
 * restart finds its own digest and does nothing twice.
 */
export async function flushDigest(
  env: Env,
  settings: SettingsValue,
  flushId: string,
  members: BufferedMember[],
  now: number,
): Promise<{ id: string; status: 'sent' | 'suppressed'; reason: string | null }> {
  const id = `digest-${flushId}`;
  if (await notificationExists(env, id)) {
    const row = await env.DB.prepare('SELECT status, reason FROM notifications WHERE id = ?')
      .bind(id)
      .first<{ status: 'sent' | 'suppressed'; reason: string | null }>();
    return { id, status: row?.status ?? 'sent', reason: row?.reason ?? null };
  }
  const fingerprint = await digestFingerprint(members);
  const gate = digestGate(members);
  const reason =
    gate !== 'send'
      ? gate
      : fingerprint === (await lastDigestFingerprint(env))
        ? 'duplicate_digest'
        : null;
  const raw = digestText(members);
  const voiced = reason ? { text: raw, voice: null } : await voice(env, settings, raw, now);
  const status = reason ? ('suppressed' as const) : ('sent' as const);
  const db = database(env);
  await db.batch([
    db
      .insert(notifications)
      .values({
        id,
        eventType: 'digest',
        tier: 'DIGEST',
        status,
        reason,
        fingerprint,
        proactive: true,
        lowSignal: members.every((m) => m.lowSignal),
        channel: reason ? null : WEB_CHANNEL,
        text: voiced.text,
        rawText: raw,
        voice: voiced.voice,
        details: { members: members.map((m) => m.id) },
        createdAt: now,
        sentAt: reason ? null : now,
      })
      .onConflictDoNothing({ target: notifications.id }),
    // D1 binds at most 100 parameters per statement: members are marked in chunks.
    ...chunks(
      members.map((m) => m.id),
      90,
    ).map((ids) =>
      db
        .update(notifications)
        .set({ status, reason: reason ?? 'in_digest', digestId: id, sentAt: reason ? null : now })
        .where(and(inArray(notifications.id, ids), eq(notifications.status, 'pending'))),
    ),
  ]);
  return { id, status, reason };
}
