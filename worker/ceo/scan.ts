import { notifications } from '../../drizzle/schema';
import { database } from '../db/client';
import type { SettingsValue } from '../settings/schema';
import { detect, type Finding } from './ops-triggers';
import { proactiveGuard } from './policy';
import { notificationExists, readGuardClock, sentSince, WEB_CHANNEL } from './store';
import { voice } from './voice';

export interface ScanResult {
  id: string;
  findings: (Finding & { status: 'sent' | 'suppressed'; reason: string | null })[];
  /** Whether a message went out. */
  sent: boolean;
  /** Why nothing went out, when findings were kept back. */
  reason: string | null;
}

/**
 * The ops scan: every trigger, then dedup layer 3 (the same finding sent recently), then
 * (for the hourly, proactive scan) the guards in order. Fresh findings that pass go out as
 * one message. `scanId` names the run: a scan resumed after a restart does nothing twice.
 */
export async function runScan(
  env: Env,
  settings: SettingsValue,
  scanId: string,
  now: number,
  proactive: boolean,
): Promise<ScanResult> {
  const id = `scan-${scanId}`;
  const found = await detect(env, settings.thresholds, now);
  const repeatSince = now - settings.ceo.findingRepeatHours * 3_600_000;
  const judged = await Promise.all(
    found.map(async (finding) => ({
      ...finding,
      duplicate: await sentSince(env, `ops.${finding.trigger}`, finding.subject, repeatSince),
    })),
  );
  const fresh = judged.filter((f) => !f.duplicate);
  const guard = proactive && fresh.length ? proactiveGuard(await readGuardClock(env), now) : null;
  const sending = fresh.length > 0 && guard === null;
  const findings = judged.map((f) => ({
    trigger: f.trigger,
    subject: f.subject,
    text: f.text,
    status: (sending && !f.duplicate ? 'sent' : 'suppressed') as 'sent' | 'suppressed',
    reason: f.duplicate ? 'duplicate_finding' : guard,
  }));
  if (!found.length) return { id, findings, sent: false, reason: 'nothing_found' };
  if (await notificationExists(env, id))
    return { id, findings, sent: false, reason: 'already_run' };
  const reason = sending ? null : (guard ?? 'duplicate_finding');

  const raw = `Ops scan: ${fresh.length} thing(s) need a look.\n${fresh.map((f) => `• ${f.text}`).join('\n')}`;
  const voiced = sending ? await voice(env, settings, raw, now) : null;
  const db = database(env);
  const rows = findings.map((f) => ({
    id: `${id}-${f.trigger}`,
    eventType: `ops.${f.trigger}`,
    entityType: 'ops',
    entityId: f.subject,
    tier: 'IMMEDIATE' as const,
    status: f.status,
    reason: f.reason,
    proactive,
    channel: f.status === 'sent' ? WEB_CHANNEL : null,
    text: f.text,
    digestId: sending ? id : null,
    createdAt: now,
    sentAt: f.status === 'sent' ? now : null,
  }));
  // One batch (one transaction): the scan's row and its findings' rows exist together or not at all.
  await db.batch([
    db
      .insert(notifications)
      .values({
        id,
        eventType: 'ops.scan',
        tier: 'IMMEDIATE',
        status: sending ? 'sent' : 'suppressed',
        reason,
        proactive,
        channel: sending ? WEB_CHANNEL : null,
        text: voiced?.text ?? raw,
        rawText: raw,
        voice: voiced?.voice ?? null,
        details: { findings: findings.map((f) => f.trigger) },
        createdAt: now,
        sentAt: sending ? now : null,
      })
      .onConflictDoNothing(),
    ...rows.map((row) => db.insert(notifications).values(row).onConflictDoNothing()),
  ]);
  return { id, findings, sent: sending, reason };
}
