import type { SettingsValue } from '../settings/schema';
import type { OutsideDelivery } from './deliver';
import type { Happening } from './describe';
import type { BufferedMember } from './digest';
import { subjectFingerprint } from './policy';
import { sendOnce } from './send';
import { notificationStatus, sentSince, storeOnce } from './store';
import { voice } from './voice';

/**
 * Sorts one happening by the rules table: SILENT is recorded and never sent; IMMEDIATE is
 * sent now unless the same thing was just said (dedup layer 1); DIGEST is recorded as
 * pending and returned for the digest buffer. Processing the same happening again sends
 * nothing twice: its notification id is its cause.
 */
export async function place(
  env: Env,
  settings: SettingsValue,
  outside: OutsideDelivery,
  happening: Happening,
  now: number,
): Promise<BufferedMember | null> {
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
  const earlier = await notificationStatus(env, happening.key);
  // Placed before a restart: a pending digest member goes back into the buffer, and an
  // immediate send left half-done is settled by sendOnce without sending again.
  if (earlier === 'pending') return rule.tier === 'DIGEST' ? member : null;
  if (earlier !== null && earlier !== 'sending') return null;

  if (happening.suppress) {
    await storeOnce(env, { ...base, status: 'suppressed', reason: happening.suppress });
    return null;
  }
  if (rule.tier === 'SILENT') {
    await storeOnce(env, { ...base, status: 'suppressed', reason: 'silent_tier' });
    return null;
  }
  if (rule.tier === 'DIGEST') {
    await storeOnce(env, { ...base, status: 'pending', reason: 'buffered' });
    return member;
  }
  const windowStart = now - settings.ceo.immediateDedupMinutes * 60_000;
  if (earlier === null && (await sentSince(env, happening.type, happening.entityId, windowStart))) {
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
