import type { SettingsValue } from '../settings/schema';
import { type OutsideDelivery, REPLY_CHANNEL } from './deliver';
import { detect, type Finding } from './ops-triggers';
import { digestFingerprint, proactiveGuard, subjectFingerprint } from './policy';
import { sendOnce, settleEarlierClaim } from './send';
import { notificationStatus, readGuardClock, sentSince, storeOnce } from './store';
import { voice } from './voice';

export interface ScanResult {
  id: string;
  findings: (Finding & { status: 'sent' | 'suppressed'; reason: string | null })[];
  /** Whether a message went out. */
  sent: boolean;
  /** Why nothing went out: nothing_found, already_run, duplicate_finding or a guard. */
  reason: string | null;
}

/**
 * The ops scan: every trigger, then dedup layer 3 (the same finding sent recently by a
 * proactive scan; an on-demand one answered only its asker), then
 * (for the hourly, proactive scan) the guards in order. Fresh findings that pass go out as
 * one message. `scanId` names the run: a scan resumed after a restart sends nothing twice.
 */
export async function runScan(
  env: Env,
  settings: SettingsValue,
  outside: OutsideDelivery,
  scanId: string,
  now: number,
  proactive: boolean,
): Promise<ScanResult> {
  const id = `scan-${scanId}`;
  const found = await detect(env, settings.thresholds, now);
  const repeatSince = now - settings.ceo.findingRepeatHours * 3_600_000;
  const subject = (f: Finding) => ({
    type: `ops.${f.trigger}`,
    entityType: 'ops',
    entityId: f.subject,
  });
  const judged = await Promise.all(
    found.map(async (finding) => ({
      ...finding,
      fingerprint: await subjectFingerprint(subject(finding)),
      duplicate: await sentSince(env, `ops.${finding.trigger}`, finding.subject, repeatSince, true),
    })),
  );
  const fresh = judged.filter((f) => !f.duplicate);
  const guard = proactive && fresh.length ? proactiveGuard(await readGuardClock(env), now) : null;
  const sending = fresh.length > 0 && guard === null;
  const findings = judged.map((f) => ({
    fingerprint: f.fingerprint,
    trigger: f.trigger,
    subject: f.subject,
    text: f.text,
    status: (sending && !f.duplicate ? 'sent' : 'suppressed') as 'sent' | 'suppressed',
    reason: f.duplicate ? 'duplicate_finding' : guard,
  }));
  // A run of this scan that got as far as recording it (before a restart): its outcome stands,
  // and a send it left unfinished is settled, never repeated.
  const earlier = await notificationStatus(env, id);
  if (earlier === 'sending') await settleEarlierClaim(env, id);
  if (earlier !== null) return { id, findings, sent: false, reason: 'already_run' };
  if (!found.length) return { id, findings, sent: false, reason: 'nothing_found' };

  const raw = `Ops scan: ${fresh.length} thing(s) need a look.\n${fresh.map((f) => `• ${f.text}`).join('\n')}`;
  const findingRow = (f: (typeof findings)[number]) => ({
    id: `${id}-${f.trigger}`,
    eventType: `ops.${f.trigger}`,
    entityType: 'ops',
    entityId: f.subject,
    fingerprint: f.fingerprint,
    tier: 'IMMEDIATE' as const,
    status: 'suppressed' as const,
    reason: f.reason,
    proactive,
    text: f.text,
    createdAt: now,
  });
  const scanRow = {
    id,
    eventType: 'ops.scan',
    // What the scan found, as the findings' own fingerprints say it.
    fingerprint: await digestFingerprint(found.map(subject)),
    tier: 'IMMEDIATE' as const,
    proactive,
    text: raw,
    rawText: raw,
    details: { findings: findings.map((f) => f.trigger) },
    createdAt: now,
  };
  if (!sending) {
    const reason = guard ?? 'duplicate_finding';
    for (const row of [
      { ...scanRow, status: 'suppressed' as const, reason },
      ...findings.map(findingRow),
    ])
      await storeOnce(env, row);
    return { id, findings, sent: false, reason };
  }
  const voiced = await voice(env, settings, raw, now);
  for (const f of findings.filter((f) => f.status === 'suppressed'))
    await storeOnce(env, findingRow(f));
  const outcome = await sendOnce(
    env,
    settings,
    outside,
    {
      ...scanRow,
      status: 'sending',
      text: voiced.text,
      voice: voiced.voice,
      ...(proactive ? {} : { channel: REPLY_CHANNEL }),
    },
    now,
    findings.filter((f) => f.status === 'sent').map((f) => ({ ...findingRow(f), reason: null })),
  );
  return {
    id,
    findings,
    sent: outcome.status === 'sent',
    reason: outcome.status === 'sent' ? null : 'send_failed',
  };
}
