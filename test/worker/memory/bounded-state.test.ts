import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CeoLocalStore, MAX_DIGEST_MEMBERS } from '../../../durable-objects/ceo/local-store';
import type { QueueItem } from '../../../durable-objects/ceo/process';
import { pullEvents } from '../../../durable-objects/ceo/pull';
import { MAX_OPEN_STREAMS } from '../../../durable-objects/ceo/streams';
import type { CeoDO } from '../../../durable-objects/ceo-do';
import { MAX_MOVES_HELD, MAX_SOCKETS } from '../../../durable-objects/office/caps';
import { MAX_WAITING } from '../../../durable-objects/serial';
import { taskMovedStatement } from '../../../worker/events/outbox';
import { ceo, fakeClock, listNotifications, MINUTE, noModel } from '../ceo/support';
import { openOffice } from '../office/support';
import { signInAs } from '../support/client';

// Issue 20: a Durable Object has 128 MB deployed. 5,000 domain events are written as the
// outbox writes them and read by the office hub and the CEO; their in-memory sizes stay under
// their caps, and nothing is silently lost (the hub's clients see a gap, the digest a count).

const EVENTS = 5_000;
/** Rows per D1 batch: the feed is written in 50 round trips, not 5,000. */
const BATCH = 100;

let clock: ReturnType<typeof fakeClock>;

beforeAll(async () => {
  clock = fakeClock('2032-03-01T09:00:00Z');
  await noModel();
  // Today's briefing and first scan go out now; the CEO's cursor starts here.
  clock.advance(10 * MINUTE);
  await ceo().tick();
});
afterAll(() => vi.useRealTimers());

/** Writes `n` task moves to DONE (a DIGEST event each) as the work loop's outbox does. */
async function writeMoves(n: number): Promise<void> {
  for (let start = 0; start < n; start += BATCH) {
    const statements = Array.from({ length: Math.min(BATCH, n - start) }, (_, i) =>
      taskMovedStatement(
        env.DB,
        { taskId: `mem-task-${start + i}`, from: 'REVIEW', to: 'DONE', actor: 'x', reason: null },
        Date.now(),
      ),
    );
    await env.DB.batch(statements);
  }
}

type Sizes = Record<string, number>;
const largest = (into: Sizes, sample: object) => {
  for (const [name, size] of Object.entries(sample))
    if (typeof size === 'number') into[name] = Math.max(into[name] ?? 0, size);
};

/** The CEO's insides this test drives: its real feed reader and its real local store. */
type CeoInside = { store: CeoLocalStore };

describe('memory stays flat under 5,000 events', () => {
  it('keeps the office hub under its caps while it follows them, the newest moves sent', async () => {
    const watcher = await openOffice(await signInAs('viewer@test.hq'));
    const hub = env.OFFICE.getByName('office');
    const before = (await ceo().memoryFootprint()).queueDepth;
    await writeMoves(EVENTS);

    const peak: Sizes = {};
    let done = false;
    // The poke every write sends the hub (FEED_FOLLOWERS.office); the CEO is driven below.
    const following = hub.poke().finally(() => {
      done = true;
    });
    // Sampled while it works: the footprint is answered outside its queue.
    while (!done) {
      largest(peak, await hub.memoryFootprint());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await following;
    largest(peak, await hub.memoryFootprint());
    expect(peak.movesHeld).toBe(MAX_MOVES_HELD);
    expect(peak.sockets).toBeLessThanOrEqual(MAX_SOCKETS);
    expect(peak.waiting).toBeLessThanOrEqual(MAX_WAITING);
    // The watcher got the newest moves, after a gap in the numbering that makes it resync.
    await expect
      .poll(() => watcher.messages.filter((m) => m.type === 'task').length)
      .toBe(MAX_MOVES_HELD);
    const moves = watcher.messages.filter((m) => m.type === 'task');
    expect(moves.at(-1)).toMatchObject({ task: { id: `mem-task-${EVENTS - 1}` } });
    const seqs = watcher.messages.map((m) => ('seq' in m ? m.seq : 0));
    expect(seqs.some((seq, i) => i > 0 && seq > (seqs[i - 1] ?? 0) + 1)).toBe(true);
    watcher.close();
    expect(before).toBe(0);
  }, 60_000);

  it('keeps the CEO under its caps, and its digest counts every event', async () => {
    const now = Date.now();
    // The CEO reads the same 5,000 events with its real feed reader into its durable queue,
    // then each is completed as processing one ends: a DIGEST member for the buffer. (The
    // tiering in between costs D1 round trips per event, cut on another branch; at 5,000 it
    // would take minutes here, and it holds nothing in memory between events.)
    await runInDurableObject(ceo(), async (instance: CeoDO) => {
      const inside = instance as unknown as CeoInside;
      await pullEvents(env, inside.store, now);
      for (let next = inside.store.head(); next; next = inside.store.head()) {
        const { event } = next.item as Extract<QueueItem, { kind: 'event' }>;
        const taskId = event.type === 'task.moved' ? event.taskId : '';
        inside.store.complete(
          next.key,
          {
            id: next.key,
            type: 'task.done',
            entityType: 'task',
            entityId: taskId,
            lowSignal: true,
            text: `${taskId} is done and merged.`,
            at: now,
          },
          now,
        );
      }
    });
    const after = await ceo().memoryFootprint();
    expect(after.queueDepth).toBe(0);
    expect(after.waiting).toBeLessThanOrEqual(MAX_WAITING);
    expect(after.openStreams).toBeLessThanOrEqual(MAX_OPEN_STREAMS);
    // Folded, not lost: the buffer and its count hold every one of the 5,000.
    expect(after.digestMembers).toBe(MAX_DIGEST_MEMBERS);
    expect(after.digestMembers + after.digestFolded).toBe(EVENTS);

    // The digest, once due, says how many events it stands for: all of them.
    clock.advance(10 * MINUTE);
    await ceo().tick();
    expect(await ceo().memoryFootprint()).toMatchObject({ digestMembers: 0, digestFolded: 0 });
    const [digest] = await listNotifications('eventType=digest');
    expect(digest?.text).toContain(`(${EVENTS} events)`);
    expect(digest?.text).toContain(`…and ${EVENTS - 20} more.`);
  }, 60_000);
});
