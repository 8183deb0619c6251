import type { SettingsValue } from '../settings/schema';
import type { OutsideDelivery } from './deliver';
import type { Happening } from './describe';
import type { BufferedMember } from './digest';
import type { PlacedBefore } from './placed-before';
import { subjectFingerprint } from './policy';
import { sendOnce } from './send';
import { statusAndSentSince, storeOnce } from './store';
import { voice } from './voice';

/** What a happening is stored as: its rule, its notification row and its digest member. */
export async function placement(settings: SettingsValue, happening: Happening, now: number) {
  const rule = settings.notificationRules[happening.type];
  // The detail goes after the text, as is: the voice rewords the text alone (below).
  const full = (text: string) => (happening.detail ? `${text}\n\n${happening.detail}` : text);
  const base = {
    fingerprint: await subjectFingerprint(happening),
    id: happening.key,
    eventType: happening.type,
    entityType: happening.entityType,
    entityId: happening.entityId,
    tier: rule.tier,
    lowSignal: rule.lowSignal,
    text: full(happening.text),
    rawText: full(happening.text),
    createdAt: now,
  };
  // A digest's line is the text alone: twenty plans in one message would not fit.
  const member: BufferedMember = { ...base, text: happening.text, type: happening.type, at: now };
  return { rule, full, base, member };
}

/** Since when an IMMEDIATE happening already said counts as said (dedup layer 1). */
export const dedupSince = (settings: SettingsValue, now: number) =>
  now - settings.ceo.immediateDedupMinutes * 60_000;

/**
 * How a happening that is not sent is stored (suppressed, or pending for the digest), or
 * null when it is to be sent now (IMMEDIATE).
 */
export function quietStatus(
  tier: string,
  happening: Happening,
): { status: 'suppressed' | 'pending'; reason: string } | null {
  if (happening.suppress) return { status: 'suppressed', reason: happening.suppress };
  if (tier === 'SILENT') return { status: 'suppressed', reason: 'silent_tier' };
  if (tier === 'DIGEST') return { status: 'pending', reason: 'buffered' };
  return null;
}

/**
 * What a placing before a restart settled, given the status it stored: a pending digest member
 * goes back into the buffer, anything else stored is done (null member). Null when there is
 * nothing (or an immediate send left half-done, which sendOnce settles without sending again).
 */
export function placedEarlier(
  earlier: string | null,
  tier: string,
  member: BufferedMember,
): { member: BufferedMember | null } | null {
  if (earlier === 'pending') return { member: tier === 'DIGEST' ? member : null };
  if (earlier !== null && earlier !== 'sending') return { member: null };
  return null;
}

/**
 * Sorts one happening by the rules table: SILENT is recorded and never sent; IMMEDIATE is
 * sent now unless the same thing was just said (dedup layer 1); DIGEST is recorded as
 * pending and returned for the digest buffer. Processing the same happening again sends
 * nothing twice: its notification id is its cause. A run of them: place-many.
 */
export async function place(
  env: Env,
  settings: SettingsValue,
  outside: OutsideDelivery,
  happening: Happening,
  now: number,
  /** The answers to the read below, when the caller's run read them (placed-before.ts). */
  placedBefore?: PlacedBefore,
): Promise<BufferedMember | null> {
  const { rule, full, base, member } = await placement(settings, happening, now);
  // One round trip: whether it was placed before, and whether the same was just said.
  const { earlier, sent } =
    placedBefore?.(happening.key, happening.type, happening.entityId) ??
    (await statusAndSentSince(
      env,
      happening.key,
      happening.type,
      happening.entityId,
      dedupSince(settings, now),
    ));
  const settled = placedEarlier(earlier, rule.tier, member);
  if (settled) return settled.member;

  const quiet = quietStatus(rule.tier, happening);
  if (quiet) {
    await storeOnce(env, { ...base, ...quiet });
    return quiet.status === 'pending' ? member : null;
  }
  if (earlier === null && sent) {
    await storeOnce(env, { ...base, status: 'suppressed', reason: 'duplicate_immediate' });
    return null;
  }
  const voiced = earlier === null ? await voice(env, settings, happening.text, now) : null;
  await sendOnce(
    env,
    settings,
    outside,
    {
      ...base,
      status: 'sending',
      text: full(voiced?.text ?? happening.text),
      voice: voiced?.voice,
    },
    now,
  );
  return null;
}
