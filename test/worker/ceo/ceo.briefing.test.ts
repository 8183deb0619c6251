import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import worker from '../../../worker/index';
import { plan, propose } from '../missions/support';
import { linkChat, said, useTelegram } from '../telegram/support';
import { ceo, fakeClock, HOUR, MINUTE, noModel, operatorSays, patchSettings } from './support';
import { approvedTasks, hire, newRunner } from './work';

let clock: ReturnType<typeof fakeClock>;
let chat: number;

const to = (iso: string) => clock.advance(Date.parse(iso) - clock.now());
/** Moves to 10 minutes before `iso` and lets whatever is due then (digest, hourly scan) go out. */
async function quietBefore(iso: string) {
  to(new Date(Date.parse(iso) - 10 * MINUTE).toISOString());
  await ceo().tick();
}
const briefings = async () =>
  (
    await env.DB.prepare(
      `SELECT id, status, proactive, text, voice FROM notifications WHERE event_type = 'briefing' ORDER BY id`,
    ).all<{ id: string; status: string; proactive: number; text: string; voice: string }>()
  ).results;

/** The briefings the operator's Telegram chat received. */
const mornings = async () => (await said(chat)).filter((t) => t.startsWith('Good morning'));

async function cron() {
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), env);
}

beforeAll(async () => {
  // Winter: Paris is UTC+1, so 07:30 there is 06:30 UTC.
  clock = fakeClock('2031-01-14T12:00:00Z');
  await noModel();
  await patchSettings({ briefing: { time: '07:30', timeZone: 'Europe/Paris' } });
  await useTelegram();
  chat = await linkChat('operator@test.hq');
  clock.advance(2 * MINUTE);
  await ceo().tick(); // today's briefing (it is 13:00 in Paris) and the first scan, out of the way
});
afterAll(() => vi.useRealTimers());

describe('the morning briefing', () => {
  it('waits for the configured local time, then says what happened overnight, what waits, spend and open loops', async () => {
    // Overnight: an agent with a budget, one mission waiting, one task done, one in review, one failed.
    to('2031-01-14T22:00:00Z');
    await hire({ slug: 'br-worker', monthlyBudgetUsd: 200 });
    await propose(plan({ title: 'Waiting for a yes' }));
    const runner = await newRunner();
    const [done, review, failed] = await approvedTasks('Br done', 'Br review', 'Br failed');
    const claimed = [await runner.claim(), await runner.claim(), await runner.claim()];
    expect(claimed.sort()).toEqual([done, review, failed].sort());
    await runner.report(done ?? '', 'success', 1.5);
    await runner.merge(done ?? '');
    await runner.report(review ?? '', 'success', 2);
    await runner.report(failed ?? '', 'failure', 0.5);
    await env.DB.prepare(
      `INSERT INTO memory_items (id, kind, content, created_at) VALUES ('br-loop', 'open_loop', 'Send the investor update', ?)`,
    )
      .bind(Date.now())
      .run();

    await quietBefore('2031-01-15T06:30:00Z');
    to('2031-01-15T06:29:59Z');
    expect((await ceo().tick()).briefing).toBeNull();
    expect(await briefings()).toHaveLength(1);

    to('2031-01-15T06:30:00Z');
    expect((await ceo().tick()).briefing).toEqual({ id: 'briefing-2031-01-15', status: 'sent' });
    const sent = (await briefings()).find((b) => b.id === 'briefing-2031-01-15');
    expect(sent).toMatchObject({ status: 'sent', proactive: 1, voice: 'raw:no_model' });
    const text = sent?.text ?? '';
    expect(text).toContain(
      'Overnight (last 24 hours): 1 task(s) done, 1 failed, 2 mission(s) proposed.',
    );
    expect(text).toContain('Waiting for you: 1 mission(s) to approve, 1 task(s) to review.');
    expect(text).toContain('Approve or reject: Waiting for a yes');
    expect(text).toContain('Review: Br review');
    expect(text).toContain('Spend: $4.00 in the last 24 hours, $4.00 of $200.00 this month.');
    expect(text).toContain('Open loops (1):\n  • Send the investor update');
  });

  it('goes out once a day, however many ticks and crons overlap or run late', async () => {
    await quietBefore('2031-01-16T06:30:00Z');
    to('2031-01-16T06:30:00Z');
    const ticks = await Promise.all([ceo().tick(), ceo().tick(), cron(), cron()]);
    const statuses = ticks.flatMap((t) => (t ? [t.briefing?.status] : []));
    expect(statuses.filter((s) => s !== 'sent' && s !== 'already_sent')).toEqual([]);
    expect(statuses.filter((s) => s === 'sent').length).toBeLessThanOrEqual(1);
    to('2031-01-16T19:45:00Z');
    expect((await ceo().tick()).briefing).toEqual({
      id: 'briefing-2031-01-16',
      status: 'already_sent',
    });
    await cron();
    expect((await briefings()).filter((b) => b.id === 'briefing-2031-01-16')).toEqual([
      expect.objectContaining({ status: 'sent' }),
    ]);
    expect(await mornings()).toHaveLength(3); // the 14th, the 15th and the 16th
    // Local midnight has passed in Paris (00:30 on the 17th), but 07:30 has not.
    to('2031-01-16T23:30:00Z');
    expect((await ceo().tick()).briefing).toBeNull();
    await quietBefore('2031-01-17T06:30:00Z');
    to('2031-01-17T06:30:00Z');
    expect((await ceo().tick()).briefing).toEqual({ id: 'briefing-2031-01-17', status: 'sent' });
  });

  it('follows the zone across daylight saving time: 07:30 in Paris is 05:30 UTC in summer', async () => {
    await quietBefore('2031-07-10T05:30:00Z');
    to('2031-07-10T05:29:00Z');
    expect((await ceo().tick()).briefing).toBeNull();
    to('2031-07-10T05:30:00Z');
    expect((await ceo().tick()).briefing).toEqual({ id: 'briefing-2031-07-10', status: 'sent' });
  });

  it('follows the time set in settings', async () => {
    await patchSettings({ briefing: { time: '09:15', timeZone: 'America/New_York' } });
    await quietBefore('2031-07-11T13:15:00Z');
    to('2031-07-11T13:14:00Z'); // 09:14 in New York (UTC-4)
    expect((await ceo().tick()).briefing).toBeNull();
    to('2031-07-11T13:15:00Z');
    expect((await ceo().tick()).briefing).toEqual({ id: 'briefing-2031-07-11', status: 'sent' });
    await patchSettings({ briefing: { time: '07:30', timeZone: 'Europe/Paris' } });
  });

  it('is a proactive message: it waits while the operator is writing, then goes out', async () => {
    await quietBefore('2031-07-12T05:30:00Z');
    to('2031-07-12T05:29:00Z');
    await operatorSays('Morning, looking at the board now.');
    to('2031-07-12T05:30:00Z');
    expect((await ceo().tick()).briefing).toEqual({
      id: 'briefing-2031-07-12',
      status: 'waiting:operator_active',
    });
    clock.advance(30_000);
    expect((await ceo().tick()).briefing).toEqual({ id: 'briefing-2031-07-12', status: 'sent' });
    clock.advance(HOUR + MINUTE);
    expect((await ceo().tick()).briefing?.status).toBe('already_sent');
  });
});
