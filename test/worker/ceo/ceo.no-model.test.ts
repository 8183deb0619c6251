import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, signInAs } from '../support/client';
import {
  ceo,
  emitRevision,
  emitTaskMove,
  fakeClock,
  HOUR,
  MINUTE,
  noModel,
  notification,
  operatorSays,
  scanNow,
} from './support';
import { approvedTasks } from './work';

// With no model anywhere (no endpoint in settings, no key in the environment), everything the
// CEO does that needs no model still runs, in raw text, and nothing fails.

let clock: ReturnType<typeof fakeClock>;

beforeAll(async () => {
  clock = fakeClock('2032-01-05T05:00:00Z');
  await noModel();
});
afterAll(() => vi.useRealTimers());

describe('without a model', () => {
  it('sends IMMEDIATE notifications and digests in raw text', async () => {
    const failed = await emitTaskMove('nm-task', 'FAILED');
    const a = await emitRevision('nm-agent-a');
    await emitRevision('nm-agent-b');
    await ceo().poke();
    expect(await notification(failed)).toMatchObject({
      status: 'sent',
      voice: 'raw:no_model',
      text: 'Task nm-task failed.',
    });
    clock.advance(5 * MINUTE);
    expect((await ceo().tick()).digest).toMatchObject({ status: 'sent' });
    const digest = await notification((await notification(a))?.digestId ?? '');
    expect(digest).toMatchObject({ status: 'sent', voice: 'raw:no_model' });
    expect(digest?.text).toBe(digest?.rawText);
  });

  it('runs the hourly scan, the on-demand scan and the morning briefing in raw text', async () => {
    await approvedTasks('No-model waiting task'); // waits, and no runner ever checked in
    clock.advance(HOUR);
    const tick = await ceo().tick(); // 06:05 UTC: before the 07:30 briefing
    expect(tick.briefing).toBeNull();
    expect(tick.scan).toMatchObject({ sent: true });
    expect(await notification(tick.scan?.id ?? '')).toMatchObject({ voice: 'raw:no_model' });

    const asked = await scanNow();
    expect(asked.findings.map((f) => f.trigger)).toContain('worker_lag');

    clock.advance(2 * HOUR);
    const morning = await ceo().tick();
    expect(morning.briefing).toEqual({ id: 'briefing-2032-01-05', status: 'sent' });
    expect(await notification('briefing-2032-01-05')).toMatchObject({
      voice: 'raw:no_model',
      status: 'sent',
    });
  });

  it('marks idle conversations no_model instead of extracting them, and stores nothing', async () => {
    await operatorSays('Remember: we deploy on Tuesdays only.');
    clock.advance(31 * MINUTE);
    const [marked] = (await ceo().tick()).memory;
    expect(marked).toMatchObject({ extraction: 'no_model' });
    const items = await env.DB.prepare('SELECT COUNT(*) AS n FROM memory_items').first<{
      n: number;
    }>();
    expect(items?.n).toBe(0);
    clock.advance(31 * MINUTE);
    expect((await ceo().tick()).memory).toEqual([]); // marked once, not retried every tick
  });

  it('spends nothing, says so in its state, and answers the tick and scan routes', async () => {
    const spend = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM spend_ledger WHERE purpose IN ('voice', 'memory')`,
    ).first<{ n: number }>();
    expect(spend?.n).toBe(0);
    expect((await ceo().state()).model).toEqual({
      configured: false,
      voiceSpentTodayUsd: 0,
      voiceDailyBudgetUsd: 0.5,
    });
    const operator = await signInAs('operator@test.hq');
    const tick = await call('/api/ceo/tick', { method: 'POST', cookie: operator });
    expect(tick.status, await tick.clone().text()).toBe(200);
    const scan = await call('/api/ceo/scan', { method: 'POST', cookie: operator });
    expect(scan.status, await scan.clone().text()).toBe(200);
  });
});
