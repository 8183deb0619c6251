import { runDurableObjectAlarm } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SUPPRESSION_REASONS } from '../../../worker/notifications/catalog';
import { linkChat, said, scriptBot, send, textUpdate, useTelegram } from '../telegram/support';
import {
  ceo,
  ceoAlarm,
  emitTaskMove,
  fakeClock,
  HOUR,
  listNotifications,
  MINUTE,
  noModel,
  notification,
  operatorSays,
  scanNow,
  setCeo,
} from './support';
import { approvedTasks } from './work';

// The proactive guards, in order: 90 s after the operator's last message, 5 minutes after a
// failed proactive send, 3 minutes after the last proactive message. A task waits and no runner
// ever checked in, so every scan has a finding (worker_lag); findings may repeat (findingRepeatHours 0).

let clock: ReturnType<typeof fakeClock>;
let chat: number;
const SECOND = 1_000;
const at = (ms: number) => new Date(ms).toISOString();

async function settle() {
  clock.advance(10 * MINUTE);
  await ceo().tick();
  clock.advance(10 * MINUTE);
}

/** When the next hourly scan is due. */
const nextScanAt = async () => Date.parse((await ceo().state()).lastScanAt ?? '') + HOUR;

let tasks = 0;
/** A high-signal DIGEST event (a task ready for review), buffered now. */
async function buffered() {
  const id = await emitTaskMove(`guard-task-${++tasks}`, 'REVIEW');
  await ceo().poke();
  return id;
}

const digestOf = async (memberId: string) => (await notification(memberId))?.digestId;
const failNextTelegramSend = () =>
  scriptBot({ method: 'sendMessage', chatId: String(chat), times: 1, status: 500 });

beforeAll(async () => {
  clock = fakeClock('2031-11-10T09:00:00Z');
  await noModel();
  await useTelegram();
  chat = await linkChat('operator@test.hq');
  await setCeo({ findingRepeatHours: 0 });
  await approvedTasks('Guarded waiting task');
  await settle();
});
afterAll(() => vi.useRealTimers());

describe('proactive guards', () => {
  it('operator_active: nothing proactive within 90 s of the operator’s last message', async () => {
    await settle();
    clock.advance((await nextScanAt()) - 5 * MINUTE - clock.now());
    const start = clock.now();
    const member = await buffered();
    clock.advance(4 * MINUTE + 30 * SECOND);
    await operatorSays('What is the status of the release?');
    clock.advance(30 * SECOND);

    const tick = await ceo().tick();
    expect(tick.scan).toMatchObject({ sent: false, reason: 'operator_active' });
    expect(await notification(tick.scan?.id ?? '')).toMatchObject({
      status: 'suppressed',
      reason: 'operator_active',
      explanation: SUPPRESSION_REASONS.operator_active,
    });
    expect(await notification(`${tick.scan?.id}-worker_lag`)).toMatchObject({
      status: 'suppressed',
      reason: 'operator_active',
    });
    const until = start + 4 * MINUTE + 30 * SECOND + 90 * SECOND;
    expect(tick.digest).toEqual({ postponedUntil: at(until), guard: 'operator_active' });
    expect((await ceo().state()).guards.operator_active).toEqual({
      closed: true,
      until: at(until),
    });
    expect(await ceoAlarm()).toBe(until);

    clock.advance(until - 1 - clock.now());
    expect((await ceo().tick()).digest).toMatchObject({ guard: 'operator_active' });
    clock.advance(1);
    expect(await runDurableObjectAlarm(ceo())).toBe(true);
    expect(await notification((await digestOf(member)) ?? '')).toMatchObject({ status: 'sent' });
  });

  it('recent_send_failure: nothing proactive within 5 minutes of a failed proactive send', async () => {
    await settle();
    clock.advance((await nextScanAt()) - MINUTE - clock.now());
    const start = clock.now();
    const member = await buffered();
    clock.advance(MINUTE);
    await failNextTelegramSend();
    const failed = (await ceo().tick()).scan;
    expect(failed).toMatchObject({ sent: false, reason: 'send_failed' });
    expect(await notification(failed?.id ?? '')).toMatchObject({
      status: 'failed',
      reason: 'send_failed',
      proactive: true,
    });

    clock.advance(4 * MINUTE);
    const until = start + 6 * MINUTE;
    expect((await ceo().tick()).digest).toEqual({
      postponedUntil: at(until),
      guard: 'recent_send_failure',
    });
    expect((await ceo().state()).guards.recent_send_failure).toEqual({
      closed: true,
      until: at(until),
    });
    clock.advance(MINUTE - 1);
    expect((await ceo().tick()).digest).toMatchObject({ guard: 'recent_send_failure' });
    clock.advance(1);
    expect(await runDurableObjectAlarm(ceo())).toBe(true);
    expect(await notification((await digestOf(member)) ?? '')).toMatchObject({ status: 'sent' });
    expect((await said(chat)).at(-1)).toContain(`guard-task-${tasks}`);
  });

  it('too_soon: proactive messages at least 3 minutes apart', async () => {
    await settle();
    const scanAt = await nextScanAt();
    clock.advance(scanAt - 8 * MINUTE - clock.now());
    const member = await buffered();
    clock.advance(5 * MINUTE + SECOND); // the digest goes out 2:59 before the hourly scan
    await ceo().tick();
    expect(await notification((await digestOf(member)) ?? '')).toMatchObject({ status: 'sent' });
    clock.advance(scanAt - clock.now());
    const tick = await ceo().tick();
    expect(tick.scan).toMatchObject({ sent: false, reason: 'too_soon' });
    expect(await notification(tick.scan?.id ?? '')).toMatchObject({
      status: 'suppressed',
      reason: 'too_soon',
      explanation: SUPPRESSION_REASONS.too_soon,
    });
  });

  it('applies the guards in order: the first closed one is the reason', async () => {
    await settle();
    const scanAt = await nextScanAt();
    clock.advance(scanAt - 2 * MINUTE - clock.now());
    const member = await buffered(); // due 3 minutes after the scan
    clock.advance(2 * MINUTE);
    await failNextTelegramSend();
    expect((await ceo().tick()).scan).toMatchObject({ reason: 'send_failed' });
    clock.advance(MINUTE);
    await operatorSays('Anything new?');
    clock.advance(2 * MINUTE);
    expect((await ceo().state()).guards).toMatchObject({
      operator_active: { closed: false },
      recent_send_failure: { closed: true, until: at(scanAt + 5 * MINUTE) },
      too_soon: { closed: false },
    });
    expect((await ceo().tick()).digest).toMatchObject({ guard: 'recent_send_failure' });
    // The operator writes again: both guards are closed, and operator_active comes first.
    await operatorSays('Still there?');
    expect((await ceo().tick()).digest).toMatchObject({ guard: 'operator_active' });
    clock.advance(90 * SECOND);
    expect((await ceo().tick()).digest).toMatchObject({ guard: 'recent_send_failure' });
    clock.advance(30 * SECOND);
    expect((await ceo().tick()).digest).toMatchObject({ status: 'sent' });
    expect(await digestOf(member)).toBeTruthy();
  });

  it('does not hold an on-demand scan: it answers whoever asked, whatever the guards', async () => {
    await settle();
    await operatorSays('/scan please');
    expect((await ceo().state()).guards.operator_active?.closed).toBe(true);
    const before = (await said(chat)).length;
    const scan = await scanNow();
    expect(scan).toMatchObject({ sent: true, reason: null });
    expect(scan.findings.find((f) => f.trigger === 'worker_lag')).toMatchObject({ status: 'sent' });
    expect(await notification(scan.id)).toMatchObject({
      status: 'sent',
      proactive: false,
      channel: 'reply',
    });
    expect(await said(chat)).toHaveLength(before);
  });

  it('does not count a digest someone asked for (/digest) as a proactive message', async () => {
    await settle();
    const before = (await ceo().state()).lastProactiveSentAt;
    const member = await buffered();
    await send(textUpdate(chat, '/digest'));
    expect((await said(chat)).at(-1)).toMatch(/^Since the last update[\s\S]*ready for review/);
    const state = await ceo().state();
    expect(state.lastProactiveSentAt).toBe(before);
    expect(state.guards.too_soon?.closed).toBe(false);
    expect(state.digest.members.map((m) => m.id)).toContain(member);
  });

  it('runs the proactive scan by itself once an hour, on the CEO’s own alarm', async () => {
    await settle();
    const due = await nextScanAt();
    clock.advance(due - SECOND - clock.now());
    expect((await ceo().tick()).scan).toBeNull();
    clock.advance(SECOND);
    expect((await ceo().tick()).scan).toMatchObject({ sent: true, reason: null });
    expect((await ceo().state()).lastScanAt).toBe(at(due));
    const hourly = await listNotifications('eventType=ops.scan&status=sent');
    expect(hourly[0]).toMatchObject({ id: `scan-${at(due).slice(0, 13)}`, proactive: true });
    expect((await said(chat)).at(-1)).toContain('Ops scan');

    // No cron: the CEO's own alarm (a heartbeat at most 5 minutes away) runs the next one.
    clock.advance(HOUR - 3 * MINUTE);
    await runDurableObjectAlarm(ceo());
    const alarm = (await ceoAlarm()) ?? 0;
    expect(alarm).toBe(clock.now() + 5 * MINUTE);
    clock.advance(alarm - clock.now());
    expect(await runDurableObjectAlarm(ceo())).toBe(true);
    expect((await ceo().state()).lastScanAt).toBe(at(alarm));
  });
});
