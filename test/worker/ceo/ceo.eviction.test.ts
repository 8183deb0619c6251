import { abortAllDurableObjects, createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BufferedMember, flushDigest } from '../../../worker/ceo/digest';
import worker from '../../../worker/index';
import { readSettings } from '../../../worker/settings/store';
import { telegramDelivery } from '../../../worker/telegram/deliver';
import { botCalls, linkChat, said, scriptBot, useTelegram } from '../telegram/support';
import {
  ceo,
  emitRevision,
  fakeClock,
  listNotifications,
  MINUTE,
  noModel,
  notification,
  setThresholds,
} from './support';
import { approvedTasks, hire, newRunner } from './work';

let clock: ReturnType<typeof fakeClock>;
let chat: number;
const HOUR = 60 * MINUTE;

async function settle() {
  clock.advance(10 * MINUTE);
  await ceo().tick();
  clock.advance(10 * MINUTE);
}

const digestsWith = async (memberId: string) =>
  (await listNotifications('eventType=digest')).filter((d) =>
    ((d.details?.members ?? []) as string[]).includes(memberId),
  );
const statusOf = async (sql: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...params)
      .first<{ status: string }>()
  )?.status;
const saying = async (text: string) => (await said(chat)).filter((t) => t.includes(text));

/** The cron, as Cloudflare runs it: sweep, dispatch, then the CEO's tick. */
async function cron() {
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), env);
}

const member = (n: string, now: number): BufferedMember => ({
  id: `direct-${n}`,
  type: 'task.review',
  entityType: 'task',
  entityId: `direct-task-${n}`,
  lowSignal: false,
  text: `Task direct-${n} is ready for review.`,
  at: now,
});

beforeAll(async () => {
  clock = fakeClock('2031-08-05T09:00:00Z');
  await noModel();
  await useTelegram();
  chat = await linkChat('operator@test.hq');
  await settle();
});
afterAll(() => vi.useRealTimers());

describe('eviction and overlapping flushes', () => {
  it('sends a digest once when the object is evicted while Telegram is delivering it', async () => {
    await settle();
    const a = await emitRevision('ev-a');
    const b = await emitRevision('ev-b');
    await ceo().poke();
    clock.advance(5 * MINUTE);
    await scriptBot({ method: 'sendMessage', chatId: String(chat), times: 1, delayMs: 3_000 });
    const flushing = ceo()
      .tick()
      .catch((error: unknown) => error);
    await expect.poll(async () => (await saying('ev-a')).length, { timeout: 2_500 }).toBe(1);
    // Claimed in D1 before it left HQ. (Read directly: an API write would poke the busy CEO.)
    expect(
      await statusOf(
        `SELECT status FROM notifications WHERE id = (SELECT digest_id FROM notifications WHERE id = ?)`,
        a,
      ),
    ).toBe('sending');
    await abortAllDurableObjects();
    expect(await flushing).toBeInstanceOf(Error);
    expect((await ceo().state()).digest.flushInProgress).not.toBeNull();

    await ceo().tick();
    await ceo().tick();
    const digests = await digestsWith(a);
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ status: 'sent', reason: 'delivery_unconfirmed' });
    expect(digests[0]?.sentAt).not.toBeNull();
    for (const id of [a, b]) {
      expect(await notification(id)).toMatchObject({ status: 'sent', digestId: digests[0]?.id });
    }
    expect(await saying('ev-a')).toHaveLength(1);
    expect((await ceo().state()).digest).toMatchObject({ size: 0, flushInProgress: null });
  });

  it('sends one digest when ticks and crons overlap', async () => {
    await settle();
    const a = await emitRevision('ov-a');
    await emitRevision('ov-b');
    await ceo().poke();
    clock.advance(5 * MINUTE);
    await Promise.all([ceo().tick(), ceo().tick(), cron(), cron()]);
    expect(await digestsWith(a)).toEqual([expect.objectContaining({ status: 'sent' })]);
    expect(await saying('ov-a')).toHaveLength(1);
  });

  it('sends one digest when two flushes of the same flush id overlap', async () => {
    await settle();
    const settings = await readSettings(env);
    const now = Date.now();
    const members = [member('1', now), member('2', now)];
    const flushId = crypto.randomUUID();
    await scriptBot({ method: 'sendMessage', chatId: String(chat), times: 1, delayMs: 500 });
    const outcomes = await Promise.all([
      flushDigest(env, settings, telegramDelivery, flushId, members, now),
      flushDigest(env, settings, telegramDelivery, flushId, members, now),
    ]);
    expect(outcomes.map((o) => [o.id, o.status])).toEqual([
      [`digest-${flushId}`, 'sent'],
      [`digest-${flushId}`, 'sent'],
    ]);
    expect(await digestsWith('direct-1')).toEqual([
      expect.objectContaining({ id: `digest-${flushId}`, status: 'sent' }),
    ]);
    for (const m of members) {
      expect(await notification(m.id)).toMatchObject({
        status: 'sent',
        digestId: `digest-${flushId}`,
      });
    }
    expect(await saying('direct-1')).toHaveLength(1);
  });

  it('keeps a failed digest failed, members too, when its flush runs again', async () => {
    await settle();
    const settings = await readSettings(env);
    const now = Date.now();
    const members = [member('3', now), member('4', now)];
    const flushId = crypto.randomUUID();
    await scriptBot({ method: 'sendMessage', chatId: String(chat), times: 1, status: 500 });
    expect((await flushDigest(env, settings, telegramDelivery, flushId, members, now)).status).toBe(
      'failed',
    );
    expect((await flushDigest(env, settings, telegramDelivery, flushId, members, now)).status).toBe(
      'failed',
    );
    expect(await notification(`digest-${flushId}`)).toMatchObject({
      status: 'failed',
      reason: 'send_failed',
    });
    for (const m of members) expect(await notification(m.id)).toMatchObject({ status: 'failed' });
    expect(await saying('direct-3')).toHaveLength(1); // one attempt, never retried
  });

  it('settles an hourly scan evicted mid-send as sent, and never repeats its findings', async () => {
    // Only one trigger can fire: an open worktree, once the threshold is lowered below (its runner
    // goes quiet, so the task is also stuck: that trigger is quieted too).
    const quiet = {
      workerLagMinutes: 10_080,
      dispatchDriftMinutes: 10_080,
      stuckTaskMinutes: 10_080,
    };
    await setThresholds(quiet);
    await (await newRunner()).checkIn();
    await hire({ slug: 'ev-worker' });
    await approvedTasks('ev scan task');
    clock.advance(HOUR);
    expect((await ceo().tick()).scan).toMatchObject({ reason: 'nothing_found' });
    await setThresholds({ ...quiet, worktreeCongestion: 1 });
    clock.advance(HOUR);
    const before = (await botCalls(chat, 'sendMessage')).length;
    await scriptBot({ method: 'sendMessage', chatId: String(chat), times: 1, delayMs: 3_000 });
    const scanning = ceo()
      .tick()
      .catch((error: unknown) => error);
    await expect
      .poll(async () => (await botCalls(chat, 'sendMessage')).length, { timeout: 2_500 })
      .toBe(before + 1);
    await abortAllDurableObjects();
    expect(await scanning).toBeInstanceOf(Error);
    const claimed = await env.DB.prepare(
      `SELECT id FROM notifications WHERE event_type = 'ops.scan' AND status = 'sending'`,
    ).first<{ id: string }>();
    expect(claimed).not.toBeNull();

    // The object comes back an hour later: the scan it was sending is settled, not sent again.
    clock.advance(HOUR);
    await ceo().tick();
    expect(await notification(claimed?.id ?? '')).toMatchObject({
      status: 'sent',
      reason: 'delivery_unconfirmed',
    });
    const findings = await listNotifications(`digestId=${claimed?.id}`);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.status === 'sent')).toBe(true);

    clock.advance(HOUR);
    const next = (await ceo().tick()).scan;
    expect(next).toMatchObject({ sent: false, reason: 'duplicate_finding' });
    expect((await botCalls(chat, 'sendMessage')).length).toBe(before + 1);
    await setThresholds({});
  });
});
