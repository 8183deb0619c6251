import { and, eq, inArray } from 'drizzle-orm';
import { notifications } from '../../drizzle/schema';
import { database } from '../db/client';
import type { SettingsValue } from '../settings/schema';
import type { OutsideDelivery } from './deliver';
import { type DigestMember, digestFingerprint, digestGate, subjectFingerprint } from './policy';
import { sendOnce } from './send';
import { lastDigestFingerprint, notificationStatus } from './store';
import { voice } from './voice';

/** A DIGEST event waiting in the CEO's buffer. */
export interface BufferedMember extends DigestMember {
  id: string;
  text: string;
  at: number;
}

export interface DigestOutcome {
  id: string;
  status: 'sent' | 'failed' | 'suppressed';
  reason: string | null;
  /** What the digest said, when it was sent. */
  text?: string;
}

const MAX_LINES = 20;
/** D1 binds at most 100 parameters per statement: members are marked in chunks. */
const CHUNK = 90;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `folded`: older members the CEO's buffer kept as a count only (its memory is capped). */
function digestText(members: BufferedMember[], folded = 0): string {
  const total = members.length + folded;
  const lines = members.slice(0, MAX_LINES).map((m) => `• ${m.text}`);
  if (total > lines.length) lines.push(`…and ${total - lines.length} more.`);
  return `Since the last update (${total} event${total === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/**
 * Sends or suppresses one digest: the quality gate, then dedup layer 2 (same fingerprint as
 * the last digest sent). The digest's id is its flush's id, so a flush resumed after a
 * restart finds its own digest and sends nothing twice.
 */
export async function flushDigest(
  env: Env,
  settings: SettingsValue,
  outside: OutsideDelivery,
  flushId: string,
  members: BufferedMember[],
  now: number,
  folded = 0,
): Promise<DigestOutcome> {
  const id = `digest-${flushId}`;
  const fingerprint = await digestFingerprint(members);
  const earlier = await notificationStatus(env, id);
  const gate = digestGate(members);
  const reason =
    earlier !== null
      ? null
      : gate !== 'send'
        ? gate
        : fingerprint === (await lastDigestFingerprint(env))
          ? 'duplicate_digest'
          : null;
  const raw = digestText(members, folded);
  const row = {
    id,
    eventType: 'digest',
    tier: 'DIGEST' as const,
    fingerprint,
    proactive: true,
    lowSignal: members.every((m) => m.lowSignal),
    text: raw,
    rawText: raw,
    details: { members: members.map((m) => m.id) },
    createdAt: now,
  };
  if (reason) {
    await suppress(env, row, members, reason);
    return { id, status: 'suppressed', reason };
  }
  if (earlier === 'suppressed') return { id, status: 'suppressed', reason: null };
  const voiced = earlier === null ? await voice(env, settings, raw, now) : null;
  const attached = await Promise.all(
    members.map(async (m) => ({
      id: m.id,
      fingerprint: await subjectFingerprint(m),
      eventType: m.type,
      entityType: m.entityType,
      entityId: m.entityId,
      tier: 'DIGEST' as const,
      status: 'sending' as const,
      lowSignal: m.lowSignal,
      reason: 'in_digest',
      text: m.text,
      createdAt: m.at,
    })),
  );
  const sent = await sendOnce(
    env,
    settings,
    outside,
    {
      ...row,
      status: 'sending',
      text: voiced?.text ?? raw,
      voice: voiced?.voice,
    },
    now,
    attached,
  );
  return { id, status: sent.status, reason: null, text: voiced?.text ?? raw };
}

/**
 * What waits in the digest buffer, in the CEO's voice, for someone who asked (/digest). It
 * takes nothing from the buffer: the digest still goes to everyone when it is due, so one
 * person's question never keeps the others from hearing about those events.
 */
export async function digestPreview(
  env: Env,
  settings: SettingsValue,
  members: BufferedMember[],
  now: number,
  folded = 0,
): Promise<string | null> {
  if (!members.length) return null;
  return (await voice(env, settings, digestText(members, folded), now)).text;
}

/** Records a suppressed digest and marks its members with the same reason, in one batch. */
async function suppress(
  env: Env,
  row: Omit<typeof notifications.$inferInsert, 'status'>,
  members: BufferedMember[],
  reason: string,
) {
  const db = database(env);
  await db.batch([
    db
      .insert(notifications)
      .values({ ...row, status: 'suppressed', reason })
      .onConflictDoNothing({ target: notifications.id }),
    ...chunks(
      members.map((m) => m.id),
      CHUNK,
    ).map((ids) =>
      db
        .update(notifications)
        .set({ status: 'suppressed', reason, digestId: row.id })
        .where(and(inArray(notifications.id, ids), eq(notifications.status, 'pending'))),
    ),
  ]);
}
