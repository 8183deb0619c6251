import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, signInAs } from '../support/client';
import {
  ceo,
  emitRevision,
  emitTaskMove,
  fakeClock,
  MINUTE,
  modelRequests,
  noModel,
  notification,
  operatorSays,
  script,
  useModels,
} from './support';

let clock: ReturnType<typeof fakeClock>;
let operator: string;
const at = (ms: number) => new Date(ms).toISOString();

interface StateView {
  now: string;
  queueDepth: number;
  digest: {
    size: number;
    folded: number;
    dueAt: string | null;
    flushInProgress: string | null;
    members: { id: string; type: string; text: string; lowSignal: boolean; at: string }[];
  };
  guards: Record<string, { closed: boolean; until: string | null }>;
  lastOperatorMessageAt: string | null;
  lastProactiveSentAt: string | null;
  lastScanAt: string | null;
  lastSends: { id: string; eventType: string; tier: string; channel: string; sentAt: string }[];
  model: { configured: boolean };
}

/** The state through the API. GET only: a signed-in write would poke (and wait for) the CEO. */
async function state(cookie = operator): Promise<StateView> {
  const response = await call('/api/ceo/state', { cookie });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as StateView;
}

beforeAll(async () => {
  clock = fakeClock('2032-02-02T10:00:00Z');
  await noModel();
  operator = await signInAs('operator@test.hq');
});
afterAll(() => vi.useRealTimers());

describe('GET /api/ceo/state', () => {
  it('is for operators and admins only', async () => {
    expect((await call('/api/ceo/state', { cookie: await signInAs('admin@test.hq') })).status).toBe(
      200,
    );
    expect(
      (await call('/api/ceo/state', { cookie: await signInAs('viewer@test.hq') })).status,
    ).toBe(403);
    expect((await call('/api/ceo/state')).status).toBe(401);
    const viewer = await signInAs('viewer@test.hq');
    for (const path of ['/api/ceo/tick', '/api/ceo/scan']) {
      expect((await call(path, { method: 'POST', cookie: viewer })).status).toBe(403);
      expect((await call(path, { method: 'POST' })).status).toBe(401);
    }
  });

  it('shows the digest buffer: its members and when it is due', async () => {
    const start = clock.now();
    const a = await emitRevision('st-agent-a');
    await ceo().poke();
    clock.advance(MINUTE);
    const b = await emitRevision('st-agent-b');
    await ceo().poke();
    const { digest, queueDepth, now } = await state();
    expect(now).toBe(at(start + MINUTE));
    expect(queueDepth).toBe(0);
    expect(digest).toEqual({
      size: 2,
      folded: 0,
      dueAt: at(start + 5 * MINUTE),
      flushInProgress: null,
      members: [
        expect.objectContaining({ id: a, type: 'agent.revised', lowSignal: true, at: at(start) }),
        expect.objectContaining({ id: b, type: 'agent.revised', at: at(start + MINUTE) }),
      ],
    });
    expect(digest.members[0]?.text).toContain('st-agent-a');

    clock.advance(4 * MINUTE);
    await ceo().tick();
    const after = await state();
    expect(after.digest).toMatchObject({ size: 0, dueAt: null, members: [] });
    expect(after.lastProactiveSentAt).toBe(at(clock.now()));
    expect(after.lastSends[0]).toMatchObject({
      eventType: 'digest',
      tier: 'DIGEST',
      channel: 'web',
    });
  });

  it('shows each guard, closed or open, and until when', async () => {
    clock.advance(MINUTE);
    const lastSend = clock.now() - MINUTE;
    await operatorSays('Checking in.');
    const { guards, lastOperatorMessageAt } = await state();
    expect(lastOperatorMessageAt).toBe(at(clock.now()));
    expect(guards).toEqual({
      operator_active: { closed: true, until: at(clock.now() + 90_000) },
      recent_send_failure: { closed: false, until: null },
      too_soon: { closed: true, until: at(lastSend + 3 * MINUTE) },
    });
    clock.advance(2 * MINUTE);
    expect((await state()).guards).toEqual({
      operator_active: { closed: false, until: at(clock.now() - 30_000) },
      recent_send_failure: { closed: false, until: null },
      too_soon: { closed: false, until: at(lastSend + 3 * MINUTE) },
    });
  });

  it('shows the queue while it is being worked through, and the last sends after', async () => {
    await useModels({ voice: 'voice-state-slow' });
    await script('voice-state-slow', [{ text: 'Voiced slowly.', delayMs: 3_000 }]);
    const failed = await emitTaskMove('st-task', 'FAILED');
    // At the test's clock: its own pass, started now. A plain poke may wait out the follow gap
    // (serial.ts), and the polls below move the fake date on meanwhile.
    const working = ceo().poke(clock.now());
    await expect
      .poll(async () => (await modelRequests('voice-state-slow')).length, { timeout: 2_000 })
      .toBe(1);
    // A web chat turn queues behind the event; its stream ends once it was answered.
    const answered = ceo()
      .chat({
        key: 'st-message',
        operator: { email: 'operator@test.hq', role: 'operator' },
        text: 'A message behind the event.',
      })
      .then((stream) => new Response(stream as ReadableStream).text());
    await expect.poll(async () => (await state()).queueDepth, { timeout: 2_000 }).toBe(2);
    await working;
    expect(await answered).toContain('event: done');

    const after = await state();
    expect(after.queueDepth).toBe(0);
    expect(after.lastSends[0]).toMatchObject({
      id: failed,
      eventType: 'task.failed',
      tier: 'IMMEDIATE',
      channel: 'web',
      sentAt: at(clock.now()),
    });
    expect(await notification(failed)).toMatchObject({ text: 'Voiced slowly.' });
    expect(after.model.configured).toBe(true);
  });
});
