import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_RUN, workEventRun } from '../../../durable-objects/ceo/event-run';
import type { CeoLocalStore } from '../../../durable-objects/ceo/local-store';
import { pullEvents } from '../../../durable-objects/ceo/pull';
import type { CeoDO } from '../../../durable-objects/ceo-do';
import { describeMany } from '../../../worker/ceo/describe-many';
import { placeMany } from '../../../worker/ceo/place-many';
import { taskMovedStatement } from '../../../worker/events/outbox';
import { readSettings } from '../../../worker/settings/store';
import { telegramDelivery } from '../../../worker/telegram/deliver';
import { linkChat, said, textUpdate, useTelegram } from '../telegram/support';
import { ceo, emit, fakeClock, MINUTE, noModel } from './support';
import { approvedTasks } from './work';

// A burst of queued events is worked in runs (durable-objects/ceo/event-run.ts): a constant
// number of D1 round trips per run instead of three per event. Each event must still end as
// one at a time placed it, a message queued between two bursts must run in its turn, and
// working a run again (after a crash, or twice) must store and send nothing twice.

let clock: ReturnType<typeof fakeClock>;
let operator: number;
let viewer: number;

type CeoInside = { store: CeoLocalStore };

interface Row {
  id: string;
  tier: string;
  status: string;
  reason: string | null;
  text: string;
  rawText: string | null;
}

/** The notification rows of these ids, by id, straight from D1. */
async function rows(ids: string[]): Promise<Map<string, Row>> {
  const { results } = await env.DB.prepare(
    `SELECT id, tier, status, reason, text, raw_text AS rawText FROM notifications
     WHERE id IN (SELECT value FROM json_each(?))`,
  )
    .bind(JSON.stringify(ids))
    .all<Row>();
  return new Map(results.map((row) => [row.id, row]));
}

const allRows = async () =>
  (await env.DB.prepare('SELECT id, status, text FROM notifications ORDER BY id').all()).results;

interface Move {
  taskId: string;
  to: string;
  reason?: string;
}

/** Writes task moves as the outbox does (no poke) and returns their notification ids, in order. */
async function write(moves: Move[]): Promise<string[]> {
  const results = await env.DB.batch(
    moves.map((m) =>
      taskMovedStatement(
        env.DB,
        {
          taskId: m.taskId,
          from: 'RUNNING',
          to: m.to as 'DONE',
          actor: 'x',
          reason: m.reason ?? null,
        },
        Date.now(),
      ),
    ),
  );
  return results.map((r) => `event-${r.meta.last_row_id}`);
}

/** Queues the events written so far in the CEO's own queue, as its feed reader does. */
const pull = () =>
  runInDurableObject(ceo(), async (instance: CeoDO) => {
    await pullEvents(env, (instance as unknown as CeoInside).store, Date.now());
  });

const inside = <T>(work: (store: CeoLocalStore) => T | Promise<T>) =>
  runInDurableObject(ceo(), async (instance: CeoDO) =>
    work((instance as unknown as CeoInside).store),
  );

const buffered = async () => (await ceo().state()).digest.members.map((m) => m.id);

const silent = (prefix: string, n: number): Move[] =>
  Array.from({ length: n }, (_, i) => ({ taskId: `${prefix}-${i}`, to: 'ASSIGNED' }));

beforeAll(async () => {
  clock = fakeClock('2032-05-03T09:00:00Z');
  await noModel();
  await useTelegram();
  operator = await linkChat('operator@test.hq');
  viewer = await linkChat('viewer@test.hq');
  // Today's briefing and first scan go out now, not in the middle of a test.
  clock.advance(10 * MINUTE);
  await ceo().tick();
  clock.advance(10 * MINUTE);
});
afterAll(() => vi.useRealTimers());

describe('runs of queued events', () => {
  it('places every event of a burst as one at a time did, a message between two bursts in its turn', async () => {
    const [real] = await approvedTasks('Run task one');
    await ceo().poke();

    // Burst A: silent moves, digest moves (one of a real task), one IMMEDIATE failure.
    const aMoves: Move[] = [
      ...silent('run-a-silent', 40),
      { taskId: 'run-a-done-0', to: 'DONE' },
      { taskId: real ?? '', to: 'DONE' },
      { taskId: 'run-a-fail', to: 'FAILED', reason: 'broke' },
      { taskId: 'run-a-done-1', to: 'DONE' },
    ];
    const a = await write(aMoves);
    await pull();
    // A viewer's /digest, queued between the two bursts: it lists what A buffered, not B.
    const update = textUpdate(viewer, '/digest');
    await inside((store) =>
      store.enqueue(`telegram-${update.update_id}`, { kind: 'telegram', update }, Date.now()),
    );
    // Burst B: more than one run's worth.
    const bMoves: Move[] = [
      ...silent('run-b-silent', MAX_RUN + 20),
      { taskId: 'run-b-done', to: 'DONE' },
    ];
    const b = await write(bMoves);
    await pull();

    // The run at the head stops before the message: it never jumps it.
    expect((await inside((store) => store.headRun(MAX_RUN))).map((item) => item.key)).toEqual(a);

    const before = (await said(operator)).length;
    await ceo().poke();
    expect((await ceo().memoryFootprint()).queueDepth).toBe(0);

    const stored = await rows([...a, ...b]);
    expect(stored.size).toBe(a.length + b.length);
    const moves = [...aMoves, ...bMoves];
    [...a, ...b].forEach((id, i) => {
      const move = moves[i] as Move;
      const row = stored.get(id);
      const label = move.taskId === real ? 'Task "Run task one"' : `Task ${move.taskId}`;
      if (move.to === 'ASSIGNED')
        expect(row).toEqual({
          id,
          tier: 'SILENT',
          status: 'suppressed',
          reason: 'silent_tier',
          text: `${label} was assigned.`,
          rawText: `${label} was assigned.`,
        });
      if (move.to === 'DONE') {
        expect(row).toMatchObject({ tier: 'DIGEST', status: 'pending', reason: 'buffered' });
        expect(row?.text).toMatch(
          new RegExp(`^${label.replace(/[()"]/g, '\\$&')}( \\(.+\\))? is done and merged\\.$`),
        );
      }
      if (move.to === 'FAILED')
        expect(row).toMatchObject({
          tier: 'IMMEDIATE',
          status: 'sent',
          reason: null,
          text: 'Task run-a-fail failed: broke.',
        });
    });

    const digestIds = [...a, ...b].filter((_, i) => moves[i]?.to === 'DONE');
    expect(await buffered()).toEqual(expect.arrayContaining(digestIds));
    const failure = (await said(operator)).slice(before).filter((t) => t.includes('run-a-fail'));
    expect(failure).toEqual(['Task run-a-fail failed: broke.']);

    // The /digest ran after A and before B.
    const answer = (await said(viewer)).at(-1) ?? '';
    expect(answer).toContain('Task run-a-done-0 is done and merged.');
    expect(answer).toContain('Task run-a-done-1 is done and merged.');
    expect(answer).not.toContain('run-b-done');

    // Worked again (a rerun of a completed run): nothing stored or sent twice.
    const everything = await allRows();
    const members = await buffered();
    const sent = (await said(operator)).length;
    await runInDurableObject(ceo(), async (instance: CeoDO) => {
      const store = (instance as unknown as CeoInside).store;
      const run = a.map((key, i) => ({
        key,
        event: {
          id: Number(key.slice('event-'.length)),
          type: 'task.moved' as const,
          taskId: (aMoves[i] as Move).taskId,
          from: 'RUNNING' as const,
          to: (aMoves[i] as Move).to as 'DONE',
          actor: 'x',
          reason: (aMoves[i] as Move).reason ?? null,
          at: new Date().toISOString(),
        },
      }));
      const context = {
        env,
        settings: await readSettings(env),
        outside: telegramDelivery,
        now: Date.now(),
      };
      expect(await workEventRun(context, store, run)).toBe(true);
    });
    await ceo().poke();
    expect(await allRows()).toEqual(everything);
    expect(await buffered()).toEqual(members);
    expect((await said(operator)).length).toBe(sent);
  });

  it('a run cut short after placing, before completing, is worked again one by one: nothing sent twice', async () => {
    clock.advance(10 * MINUTE);
    await ceo().tick(); // the digest of the first test goes out
    clock.advance(10 * MINUTE);
    const moves: Move[] = [
      ...silent('run-c-silent', 10),
      { taskId: 'run-c-done', to: 'DONE' },
      { taskId: 'run-c-fail', to: 'FAILED', reason: 'cut short' },
    ];
    const c = await write(moves);
    await pull();
    const before = (await said(operator)).length;
    // What a run does before it completes its items, then the runtime kills it.
    await runInDurableObject(ceo(), async (instance: CeoDO) => {
      const store = (instance as unknown as CeoInside).store;
      const run = store.headRun(MAX_RUN);
      expect(run.map((item) => item.key)).toEqual(c);
      store.startAttempts(c);
      const settings = await readSettings(env);
      const events = run.map((item) => item.event);
      await placeMany(env, settings, telegramDelivery, await describeMany(env, events), Date.now());
    });
    expect((await said(operator)).slice(before)).toEqual(['Task run-c-fail failed: cut short.']);
    // Tried once: no run takes them again; they go one by one, with their retries.
    expect(await inside((store) => store.headRun(MAX_RUN))).toEqual([]);

    await ceo().poke();
    expect((await ceo().memoryFootprint()).queueDepth).toBe(0);
    expect((await said(operator)).slice(before)).toEqual(['Task run-c-fail failed: cut short.']);
    const stored = await rows(c);
    expect([...stored.values()].map((r) => r.status).sort()).toEqual([
      'pending',
      'sent',
      ...Array(10).fill('suppressed'),
    ]);
    // The pending member went back into the buffer on the rerun.
    expect(await buffered()).toContain(c[10]);
    expect((await ceo().state()).deadLetters).toEqual([]);
  });

  it('a run that throws is worked one by one: the good events placed, the bad one set aside after its attempts', async () => {
    const before = await write(silent('run-d-before', 5));
    // An event of a kind this version does not know throws in the CEO's hands every time.
    const bad = await emit('unknown.kind', 'agent', 'run-d-agent', {});
    const after = await write([...silent('run-d-after', 5), { taskId: 'run-d-done', to: 'DONE' }]);
    const failing = () =>
      ceo()
        .poke()
        .catch((error: unknown) => error);
    expect(await failing()).toBeInstanceOf(Error);
    // Everything before the bad event is done; it and what follows wait, in order.
    expect((await ceo().state()).queueDepth).toBe(1 + after.length);
    expect(await failing()).toBeInstanceOf(Error);
    await ceo().poke();

    const state = await ceo().state();
    expect(state.queueDepth).toBe(0);
    expect(state.deadLetters).toEqual([
      expect.objectContaining({ key: bad, kind: 'event', attempts: 3 }),
    ]);
    const stored = await rows([...before, ...after]);
    expect([...stored.values()].map((r) => r.status).sort()).toEqual([
      'pending',
      ...Array(10).fill('suppressed'),
    ]);
    expect(await buffered()).toContain(after.at(-1));
  });
});
