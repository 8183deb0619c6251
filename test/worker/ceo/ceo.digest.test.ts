import { abortAllDurableObjects, runDurableObjectAlarm } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { linkChat, said, send, textUpdate, useTelegram } from '../telegram/support';
import {
  about,
  ceo,
  ceoAlarm,
  emit,
  emitRevision,
  fakeClock,
  listNotifications,
  MINUTE,
  modelRequests,
  noModel,
  script,
  useModels,
} from './support';

let clock: ReturnType<typeof fakeClock>;

/** Flushes whatever earlier tests left in the buffer, far enough ahead that no guard holds. */
async function settle() {
  clock.advance(10 * MINUTE);
  await ceo().tick();
  clock.advance(10 * MINUTE);
}

const task = (taskId: string, to = 'DONE') =>
  emit('task.moved', 'task', taskId, { taskId, from: 'REVIEW', to, actor: 'x', reason: null });

const digestOf = async (memberId: string) =>
  (await listNotifications('eventType=digest')).find((d) =>
    (d.details?.members as string[] | undefined)?.includes(memberId),
  );

beforeAll(async () => {
  clock = fakeClock('2031-05-05T09:00:00Z');
  await noModel();
  await settle(); // today's briefing and the first scan go out now, not in the middle of a test
});
afterAll(() => vi.useRealTimers());

describe('digest buffer', () => {
  it('answers a viewer’s /digest without taking the events from the digest operators get', async () => {
    await settle();
    await useTelegram();
    const viewer = await linkChat('viewer@test.hq');
    const operator = await linkChat('operator@test.hq');
    const a = await emitRevision('asked-a');
    await emitRevision('asked-b');
    await ceo().poke();
    await send(textUpdate(viewer, '/digest'));
    expect((await said(viewer)).at(-1)).toMatch(/^Since the last update[\s\S]*asked-b/);
    expect(await said(operator)).toHaveLength(1); // only "Linked to"
    expect((await ceo().state()).digest.members.map((m) => m.id)).toContain(a);

    clock.advance(5 * MINUTE);
    await ceo().tick();
    expect(await digestOf(a)).toMatchObject({ status: 'sent', proactive: true });
    for (const chat of [operator, viewer])
      expect((await said(chat)).at(-1)).toMatch(/^Since the last update[\s\S]*asked-b/);
  });

  it('holds DIGEST events behind an alarm for 5 minutes, then flushes them as one digest', async () => {
    await settle();
    const start = clock.now();
    const a = await emitRevision('dg-agent-a');
    const b = await emitRevision('dg-agent-b');
    await ceo().poke();
    expect(await ceoAlarm()).toBe(start + 5 * MINUTE);
    const state = await ceo().state();
    expect(state.digest.members.map((m) => m.id)).toEqual(expect.arrayContaining([a, b]));

    clock.advance(5 * MINUTE - 1_000);
    await ceo().tick();
    expect((await about('dg-agent-a'))[0]?.status).toBe('pending');

    clock.advance(1_000);
    expect(await runDurableObjectAlarm(ceo())).toBe(true);
    const digest = await digestOf(a);
    expect(digest).toMatchObject({
      status: 'sent',
      tier: 'DIGEST',
      proactive: true,
      voice: 'raw:no_model',
    });
    expect(digest?.text).toContain('dg-agent-a');
    expect(digest?.text).toContain('dg-agent-b');
    expect(await about('dg-agent-b')).toEqual([
      expect.objectContaining({ status: 'sent', reason: 'in_digest', digestId: digest?.id }),
    ]);
    expect((await ceo().state()).digest.size).toBe(0);
  });

  // The quality gate, through a real flush: each batch is buffered alone, then flushed.
  it.each([
    ['one low-signal event', ['gate-1:task.done'], 'suppressed', 'weak_singleton'],
    ['one high-signal event', ['gate-2:task.review'], 'sent', null],
    [
      'two low-signal events about one task',
      ['gate-3:task.done', 'gate-3:task.cancelled'],
      'suppressed',
      'thin_low_signal_batch',
    ],
    [
      'two low-signal events about two tasks',
      ['gate-4a:task.done', 'gate-4b:task.done'],
      'sent',
      null,
    ],
    [
      'three low-signal events about one task',
      ['gate-5:task.done', 'gate-5:task.cancelled', 'gate-5:task.changes_requested'],
      'sent',
      null,
    ],
  ] as const)('quality gate: %s → %s', async (_name, events, status, reason) => {
    await settle();
    const to = {
      'task.done': 'DONE',
      'task.review': 'REVIEW',
      'task.cancelled': 'CANCELLED',
      'task.changes_requested': 'CHANGES_REQUESTED',
    };
    const ids: string[] = [];
    for (const event of events) {
      const [taskId, type] = event.split(':') as [string, keyof typeof to];
      ids.push(await task(taskId, to[type]));
    }
    await ceo().poke();
    clock.advance(5 * MINUTE);
    await ceo().tick();
    const digest = await digestOf(ids[0] ?? '');
    expect(digest).toMatchObject({ status, reason });
    if (reason) expect(digest?.explanation).toBeTruthy();
    const members = (await listNotifications()).filter((n) => ids.includes(n.id));
    expect(members.map((m) => [m.status, m.digestId])).toEqual(ids.map(() => [status, digest?.id]));
  });

  it('sends a digest exactly once when the object is evicted in the middle of its flush', async () => {
    await settle();
    await useModels({ voice: 'voice-evict' });
    await script('voice-evict', [
      { text: 'lost with the object', delayMs: 3_000 },
      { text: 'Two agents changed.' },
    ]);
    const a = await emitRevision('evict-a');
    await emitRevision('evict-b');
    await ceo().poke();
    clock.advance(5 * MINUTE);
    const flushing = ceo()
      .tick()
      .catch((error: unknown) => error);
    await expect
      .poll(async () => (await modelRequests('voice-evict')).length, { timeout: 2_500 })
      .toBe(1);
    await abortAllDurableObjects();
    expect(await flushing).toBeInstanceOf(Error);
    expect((await ceo().state()).digest.flushInProgress).not.toBeNull();

    await ceo().tick();
    await ceo().tick();
    const digests = (await listNotifications('eventType=digest')).filter((d) =>
      ((d.details?.members ?? []) as string[]).includes(a),
    );
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({
      status: 'sent',
      text: 'Two agents changed.',
      voice: 'persona',
    });
    expect((await ceo().state()).digest).toMatchObject({ size: 0, flushInProgress: null });
    await noModel();
  });
});
