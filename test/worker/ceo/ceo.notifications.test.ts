import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SUPPRESSION_REASONS } from '../../../worker/notifications/catalog';
import { call, errorOf, signInAs } from '../support/client';
import {
  ceo,
  emitRevision,
  emitTaskMove,
  fakeClock,
  MINUTE,
  type NotificationView,
  noModel,
} from './support';

let clock: ReturnType<typeof fakeClock>;
const ids: Record<string, string> = {};
let secondBatchAt = '';

async function page(query: string, cookie?: string) {
  const response = await call(`/api/notifications?${query}`, {
    cookie: cookie ?? (await signInAs('viewer@test.hq')),
  });
  return response;
}

/** The ids a query lists (only this file's rows exist), in the order listed. */
async function listed(query: string): Promise<string[]> {
  const response = await page(query);
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { items: NotificationView[] }).items.map((n) => n.id);
}

beforeAll(async () => {
  clock = fakeClock('2031-04-04T10:00:00Z');
  await noModel();
  // First batch, all at one instant: a silent, a sent and a pending notification.
  ids.queued1 = await emitTaskMove('na-t1', 'PENDING', 'ASSIGNED');
  ids.failed = await emitTaskMove('na-t2', 'FAILED');
  ids.revised = await emitRevision('na-a1');
  await ceo().poke();
  // A minute later: the same failure again (dedup layer 1) and another silent one.
  secondBatchAt = new Date(clock.advance(MINUTE)).toISOString();
  ids.failedAgain = await emitTaskMove('na-t2', 'FAILED');
  ids.queued2 = await emitTaskMove('na-t3', 'PENDING', 'ASSIGNED');
  await ceo().poke();
});
afterAll(() => vi.useRealTimers());

describe('GET /api/notifications', () => {
  it('lists every notification, sent or not, newest first, saying why the CEO stayed quiet', async () => {
    const response = await page('limit=50');
    const { items, nextCursor } = (await response.json()) as {
      items: NotificationView[];
      nextCursor: string | null;
    };
    expect(nextCursor).toBeNull();
    expect(
      items
        .map((n) => n.id)
        .slice(0, 2)
        .sort(),
    ).toEqual([ids.failedAgain, ids.queued2].sort());
    const byId = Object.fromEntries(items.map((n) => [n.id, n]));
    expect(byId[ids.failed ?? '']).toMatchObject({
      status: 'sent',
      tier: 'IMMEDIATE',
      reason: null,
      explanation: null,
      channel: 'web',
    });
    expect(byId[ids.failedAgain ?? '']).toMatchObject({
      status: 'suppressed',
      reason: 'duplicate_immediate',
      explanation: SUPPRESSION_REASONS.duplicate_immediate,
      sentAt: null,
    });
    expect(byId[ids.queued1 ?? '']).toMatchObject({
      status: 'suppressed',
      tier: 'SILENT',
      explanation: SUPPRESSION_REASONS.silent_tier,
    });
    expect(byId[ids.revised ?? '']).toMatchObject({ status: 'pending', tier: 'DIGEST' });
  });

  it.each([
    ['status=suppressed', ['queued1', 'failedAgain', 'queued2']],
    ['status=pending', ['revised']],
    ['tier=IMMEDIATE', ['failed', 'failedAgain']],
    ['eventType=task.failed', ['failed', 'failedAgain']],
    ['reason=silent_tier', ['queued1', 'queued2']],
    ['reason=duplicate_immediate', ['failedAgain']],
    ['channel=web', ['failed']],
    ['status=sent&tier=IMMEDIATE', ['failed']],
    ['status=suppressed&tier=DIGEST', []],
  ])('filters by %s', async (query, names) => {
    expect((await listed(query)).sort()).toEqual(names.map((n) => ids[n]).sort());
  });

  it('filters by since (inclusive), with any offset', async () => {
    expect((await listed(`since=${secondBatchAt}`)).sort()).toEqual(
      [ids.failedAgain, ids.queued2].sort(),
    );
    const paris = secondBatchAt.replace('T10:01:00.000Z', 'T12:01:00+02:00');
    expect((await listed(`since=${encodeURIComponent(paris)}`)).sort()).toEqual(
      [ids.failedAgain, ids.queued2].sort(),
    );
    expect(await listed(`since=${new Date(clock.now() + 1).toISOString()}`)).toEqual([]);
  });

  it('pages with a cursor: every row once, in order, even when rows share a time', async () => {
    const all = await listed('limit=200');
    expect(all).toHaveLength(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = (await (await page(query)).json()) as {
        items: NotificationView[];
        nextCursor: string | null;
      };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((n) => n.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(all);
    // Filters hold across pages.
    const first = (await (await page('status=suppressed&limit=1')).json()) as {
      nextCursor: string;
    };
    const rest = await listed(
      `status=suppressed&limit=5&cursor=${encodeURIComponent(first.nextCursor)}`,
    );
    expect(rest).toHaveLength(2);
  });

  it.each([
    ['status=bogus', 'status'],
    ['tier=LOUD', 'tier'],
    ['since=yesterday', 'since'],
    ['cursor=abc', 'cursor'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['colour=red', 'colour'],
  ])('refuses %s with a 400 naming the field', async (query, field) => {
    const response = await page(query);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.fields).toContainEqual(expect.objectContaining({ field, in: 'query' }));
  });

  it('is open to viewers and up, and closed to the anonymous', async () => {
    for (const email of ['viewer@test.hq', 'operator@test.hq', 'admin@test.hq']) {
      expect((await page('limit=1', await signInAs(email))).status).toBe(200);
    }
    const anonymous = await call('/api/notifications');
    expect(anonymous.status).toBe(401);
  });
});
