import { runDurableObjectAlarm } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SUPPRESSION_REASONS } from '../../../worker/notifications/catalog';
import {
  ceo,
  ceoAlarm,
  emitRevision,
  emitTaskMove,
  fakeClock,
  listNotifications,
  MINUTE,
  noModel,
  notification,
  patchSettings,
  type ScanView,
  scanNow,
  setCeo,
  setThresholds,
} from './support';
import { approvedTasks, hire } from './work';

let clock: ReturnType<typeof fakeClock>;
const HOUR = 60 * MINUTE;

/** Flushes what earlier tests left, far enough ahead that no guard holds. */
async function settle() {
  clock.advance(10 * MINUTE);
  await ceo().tick();
  clock.advance(10 * MINUTE);
}

const digestWith = async (memberId: string) =>
  (await listNotifications('eventType=digest')).find((d) =>
    ((d.details?.members ?? []) as string[]).includes(memberId),
  );

beforeAll(async () => {
  clock = fakeClock('2031-06-02T09:00:00Z');
  await noModel();
  await settle();
});
afterAll(() => vi.useRealTimers());

describe('layer 1: the same IMMEDIATE event about the same thing', () => {
  it('is suppressed inside the window from settings and sent again after it', async () => {
    await settle();
    await setCeo({ immediateDedupMinutes: 10 });
    const first = await emitTaskMove('l1-task', 'FAILED');
    await ceo().poke();
    expect(await notification(first)).toMatchObject({ status: 'sent', tier: 'IMMEDIATE' });

    clock.advance(10 * MINUTE - 1_000);
    const repeat = await emitTaskMove('l1-task', 'FAILED');
    const otherTask = await emitTaskMove('l1-other', 'FAILED');
    await ceo().poke();
    expect(await notification(repeat)).toMatchObject({
      status: 'suppressed',
      reason: 'duplicate_immediate',
      explanation: SUPPRESSION_REASONS.duplicate_immediate,
    });
    expect(await notification(otherTask)).toMatchObject({ status: 'sent' });

    clock.advance(1_001);
    const later = await emitTaskMove('l1-task', 'FAILED');
    await ceo().poke();
    expect(await notification(later)).toMatchObject({ status: 'sent', reason: null });
  });

  it('does not count a suppressed one as said: the window runs from the last send', async () => {
    await setCeo({ immediateDedupMinutes: 10 });
    const first = await emitTaskMove('l1-window', 'FAILED');
    await ceo().poke();
    clock.advance(6 * MINUTE);
    const second = await emitTaskMove('l1-window', 'FAILED');
    await ceo().poke();
    clock.advance(6 * MINUTE);
    const third = await emitTaskMove('l1-window', 'FAILED');
    await ceo().poke();
    expect(
      (await Promise.all([first, second, third].map(notification))).map((n) => n?.status),
    ).toEqual(['sent', 'suppressed', 'sent']);
  });
});

describe('layer 2: a digest that says what the last digest said', () => {
  it('is suppressed as duplicate_digest; a different one goes out', async () => {
    await settle();
    const flush = async () => {
      await ceo().poke();
      clock.advance(5 * MINUTE);
      await ceo().tick();
    };
    const a1 = await emitRevision('l2-a');
    await emitRevision('l2-b');
    await flush();
    expect(await digestWith(a1)).toMatchObject({ status: 'sent' });

    // Other events, same types about the same agents: the same fingerprint.
    const a2 = await emitRevision('l2-a', 2);
    await emitRevision('l2-b', 2);
    await flush();
    const duplicate = await digestWith(a2);
    expect(duplicate).toMatchObject({
      status: 'suppressed',
      reason: 'duplicate_digest',
      explanation: SUPPRESSION_REASONS.duplicate_digest,
      fingerprint: (await digestWith(a1))?.fingerprint,
    });
    expect(await notification(a2)).toMatchObject({
      status: 'suppressed',
      reason: 'duplicate_digest',
      digestId: duplicate?.id,
    });

    const a3 = await emitRevision('l2-a', 3);
    await emitRevision('l2-c', 1);
    await flush();
    expect(await digestWith(a3)).toMatchObject({ status: 'sent' });
  });
});

describe('layer 3: an ops finding sent recently', () => {
  it('counts only proactive sends: suppressed within findingRepeatHours of an hourly scan’s, never after an on-demand answer', async () => {
    await setCeo({ findingRepeatHours: 2 });
    await hire({ slug: 'l3-worker' });
    await approvedTasks('l3 task');
    await settle(); // the digest of the hiring and approval goes out before the scans
    await setThresholds({ worktreeCongestion: 1 });
    const congestion = (scan: { id: string; findings: ScanView['findings'] } | null) =>
      scan?.findings.find((f) => f.trigger === 'worktree_congestion');
    /** The next hourly scan, a second after it is due. */
    const hourly = async () => {
      const due = Date.parse((await ceo().state()).lastScanAt ?? '') + HOUR;
      clock.advance(Math.max(0, due - clock.now()) + 1_000);
      const scan = (await ceo().tick()).scan;
      expect(scan?.id).toMatch(/^scan-/);
      return scan;
    };

    expect(congestion(await scanNow())).toMatchObject({ status: 'sent', reason: null });
    // The next hourly scan still tells everyone: the answer went to one person only.
    expect(congestion(await hourly())).toMatchObject({ status: 'sent', reason: null });
    // That one was proactive: within findingRepeatHours an hourly scan, or one on demand, is quiet on it.
    const repeated = await hourly();
    expect(congestion(repeated)).toMatchObject({
      status: 'suppressed',
      reason: 'duplicate_finding',
    });
    const stored = await notification(`${repeated?.id}-worktree_congestion`);
    expect(stored).toMatchObject({ status: 'suppressed', reason: 'duplicate_finding' });
    expect(stored?.explanation).toBe(SUPPRESSION_REASONS.duplicate_finding);
    expect(congestion(await scanNow())).toMatchObject({ reason: 'duplicate_finding' });
    // Two hours after the proactive send, it is reported again.
    expect(congestion(await hourly())).toMatchObject({ status: 'sent', reason: null });
    await setThresholds({});
  });
});

describe('layer 4: proactive messages at least 3 minutes apart', () => {
  it('holds a due digest while the last proactive message is under 3 minutes old', async () => {
    await settle();
    // Tomorrow's briefing (a proactive message) goes out 4 minutes after a digest event.
    clock.advance(24 * HOUR);
    const start = clock.now();
    const at = (ms: number) => new Date(start + ms).toISOString().slice(11, 16);
    await patchSettings({ briefing: { time: at(4 * MINUTE), timeZone: 'UTC' } });
    const member = await emitTaskMove('l4-task', 'REVIEW');
    await ceo().poke();

    clock.advance(4 * MINUTE);
    expect((await ceo().tick()).briefing).toMatchObject({ status: 'sent' });
    clock.advance(MINUTE);
    expect((await ceo().tick()).digest).toEqual({
      postponedUntil: new Date(start + 7 * MINUTE).toISOString(),
      guard: 'too_soon',
    });
    const state = await ceo().state();
    expect(state.digest.dueAt).toBe(new Date(start + 7 * MINUTE).toISOString());
    expect(state.guards.too_soon).toEqual({
      closed: true,
      until: new Date(start + 7 * MINUTE).toISOString(),
    });
    expect(await ceoAlarm()).toBe(start + 7 * MINUTE);
    expect(await notification(member)).toMatchObject({ status: 'pending' });

    clock.advance(2 * MINUTE - 1_000);
    expect((await ceo().tick()).digest).toMatchObject({ guard: 'too_soon' });
    clock.advance(1_000);
    expect(await runDurableObjectAlarm(ceo())).toBe(true);
    expect(await digestWith(member)).toMatchObject({ status: 'sent' });
    expect(await notification(member)).toMatchObject({ status: 'sent', reason: 'in_digest' });
    expect((await ceo().state()).digest.size).toBe(0);
  });
});
