import type { SettingsValue } from '../settings/schema';
import type { Happening } from './describe';
import type { BufferedMember } from './digest';
import { notificationExists, sentSince, storeOnce, WEB_CHANNEL } from './store';
import { voice } from './voice';

/**
 * Sorts one happening by the rules table: SILENT is recorded and never sent; IMMEDIATE is
 * sent now unless the same thing was just said (dedup layer 1); DIGEST is recorded as
 * pending and returned for the digest buffer. Processing the same happening again changes
 * nothing: its notification id is its cause.
 */
export async function place(
  env: Env,
  settings: SettingsValue,
  happening: Happening,
  now: number,
): Promise<BufferedMember | null> {
  const rule = settings.notificationRules[happening.type];
  const base = {
    id: happening.key,
    eventType: happening.type,
    entityType: happening.entityType,
    entityId: happening.entityId,
    tier: rule.tier,
    lowSignal: rule.lowSignal,
    rawText: happening.text,
    createdAt: now,
  };
  const member: BufferedMember = { ...base, type: happening.type, text: happening.text, at: now };
  if (await notificationExists(env, happening.key)) {
    // Already placed before a restart; a pending digest member goes back into the buffer.
    const row = await env.DB.prepare('SELECT status, tier FROM notifications WHERE id = ?')
      .bind(happening.key)
      .first<{ status: string; tier: string }>();
    return row?.status === 'pending' && row.tier === 'DIGEST' ? member : null;
  }
  if (rule.tier === 'SILENT') {
    await storeOnce(env, {
      ...base,
      status: 'suppressed',
      reason: 'silent_tier',
      text: happening.text,
    });
    return null;
  }
  if (rule.tier === 'DIGEST') {
    await storeOnce(env, { ...base, status: 'pending', reason: 'buffered', text: happening.text });
    return member;
  }
  const windowStart = now - settings.ceo.immediateDedupMinutes * 60_000;
  if (await sentSince(env, happening.type, happening.entityId, windowStart)) {
    await storeOnce(env, {
      ...base,
      status: 'suppressed',
      reason: 'duplicate_immediate',
      text: happening.text,
    });
    return null;
  }
  const voiced = await voice(env, settings, happening.text, now);
  await storeOnce(env, {
    ...base,
    status: 'sent',
    channel: WEB_CHANNEL,
    text: voiced.text,
    voice: voiced.voice,
    sentAt: now,
  });
  return null;
}
