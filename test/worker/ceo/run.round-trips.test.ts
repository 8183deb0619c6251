import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_RUN, workEventRun } from '../../../durable-objects/ceo/event-run';
import type { CeoLocalStore } from '../../../durable-objects/ceo/local-store';
import { pullEvents, settingsAndPull } from '../../../durable-objects/ceo/pull';
import type { CeoDO } from '../../../durable-objects/ceo-do';
import { taskMovedStatement } from '../../../worker/events/outbox';
import { insertMission } from '../../../worker/missions/propose';
import { ProposeMission } from '../../../worker/missions/schemas';
import { readSettings } from '../../../worker/settings/store';
import { telegramDelivery } from '../../../worker/telegram/deliver';
import { countingDb } from '../missions/counting-db';
import { plan } from '../missions/support';
import { botCalls, linkChat, useTelegram } from '../telegram/support';
import { ceo, noModel } from './support';

// A CEO run reads what its words need (a proposal's mission and the roster its estimate
// starts from), what its decisions' Telegram messages need, and what tiering asks before it
// sends (stored before? just said?) in one batch. A proposal's notification then costs: that
// batch, the estimate's agents' history, the send's claim (with the linked chats), the
// message's decision record and the send's record. Five round trips; seven before (the
// estimate's first trip, tiering's read and the linked chats each had their own).

let operator: number;

type CeoInside = { store: CeoLocalStore };

beforeAll(async () => {
  await noModel();
  await useTelegram();
  operator = await linkChat('operator@test.hq');
});

/** Pulls the feed into the CEO's queue and works its head run, counting its D1 round trips. */
async function workHeadRun(types: string[]) {
  const counting = countingDb();
  await runInDurableObject(ceo(), async (instance: CeoDO) => {
    const store = (instance as unknown as CeoInside).store;
    await pullEvents(env, store, Date.now());
    const run = store.headRun(MAX_RUN);
    expect(run.map((item) => item.event.type)).toEqual(types);
    const settings = await readSettings(env);
    const p = { env: { ...env, DB: counting.db }, settings, outside: telegramDelivery };
    expect(await workEventRun({ ...p, now: Date.now() }, store, run)).toBe(true);
  });
  return counting.trips();
}

describe("a CEO run's round trips", () => {
  it("a proposal's notification: five, with its plan, estimate and buttons as before", async () => {
    // Written as the API writes it, without the poke: this test works the CEO's run itself.
    const mission = await insertMission(
      env,
      ProposeMission.parse(plan({ title: 'Counted proposal' })),
      'operator@test.hq',
      { actor: 'operator@test.hq', requestId: 'counted-proposal' },
    );
    expect(await workHeadRun(['mission.proposed'])).toBe(5);
    const sent = (await botCalls(operator, 'sendMessage')).at(-1);
    const text = String(sent?.payload.text);
    expect(text).toContain(
      'New mission proposed by operator@test.hq: "Counted proposal" (2 tasks)',
    );
    expect(text).toContain('1. Backend part [src/**]');
    expect(text).toContain('No cost history for these agents.');
    expect(JSON.stringify(sent?.payload.reply_markup)).toContain(`mission:approve:${mission.id}`);
  });

  it('two failures of one task in one run: the first is sent, the second said already', async () => {
    const fail = (reason: string) =>
      taskMovedStatement(
        env.DB,
        { taskId: 'run-trips-task', from: 'RUNNING', to: 'FAILED', actor: 'x', reason },
        Date.now(),
      );
    const [first, second] = await env.DB.batch([fail('first try'), fail('second try')]);
    await workHeadRun(['task.moved', 'task.moved']);
    const stored = async (result: D1Result | undefined) =>
      env.DB.prepare('SELECT status, reason FROM notifications WHERE id = ?')
        .bind(`event-${result?.meta.last_row_id}`)
        .first();
    expect(await stored(first)).toEqual({ status: 'sent', reason: null });
    expect(await stored(second)).toEqual({ status: 'suppressed', reason: 'duplicate_immediate' });
    const said = (await botCalls(operator, 'sendMessage')).map((c) => String(c.payload.text));
    expect(said.filter((text) => text.includes('run-trips-task'))).toEqual([
      'Task run-trips-task failed: first try.',
    ]);
  });

  it('a pass starts with the settings and the new events in one trip; a full page reads on', async () => {
    const settings = await readSettings(env);
    const quiet = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        taskMovedStatement(
          env.DB,
          { taskId: `pull-${n}-${i}`, from: 'PENDING', to: 'ASSIGNED', actor: 'x', reason: null },
          Date.now(),
        ),
      );
    for (const [n, trips] of [
      [3, 1],
      [250, 2], // the page of 200, then the rest
    ] as const) {
      await env.DB.batch(quiet(n));
      const counting = countingDb();
      await runInDurableObject(ceo(), async (instance: CeoDO) => {
        const store = (instance as unknown as CeoInside).store;
        const before = store.depth();
        const read = await settingsAndPull({ ...env, DB: counting.db }, store, Date.now());
        expect(read).toEqual(settings);
        expect(store.depth() - before).toBe(n);
        while (store.head()) store.complete(store.head()?.key ?? '', null, Date.now());
      });
      expect(counting.trips()).toBe(trips);
    }
  });
});
