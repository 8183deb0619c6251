import { DurableObject } from 'cloudflare:workers';
import { briefIfDue } from '../worker/ceo/briefing';
import { type InboundMessage, recordInbound } from '../worker/ceo/conversations';
import { describe } from '../worker/ceo/describe';
import { flushDigest } from '../worker/ceo/digest';
import { extractIdleConversations } from '../worker/ceo/memory';
import { DIGEST_DELAY_MS, PROACTIVE_SPACING_MS, SCAN_INTERVAL_MS } from '../worker/ceo/policy';
import { runScan, type ScanResult } from '../worker/ceo/scan';
import { readGuardClock } from '../worker/ceo/store';
import { place } from '../worker/ceo/tiering';
import { eventsAfter } from '../worker/events/feed';
import { readSettings } from '../worker/settings/store';
import { CeoLocalStore } from './ceo/local-store';
import { ceoState } from './ceo/state';

/** Events older than this when the CEO first starts are history, not news. */
const HISTORY_MS = 3_600_000;
const PAGE = 200;
/** The CEO wakes itself at least this often (briefing, scan, memory), cron or not. */
const HEARTBEAT_MS = 5 * 60_000;
/** If a step dies mid-way, the alarm set before it brings the CEO back this soon. */
const RETRY_MS = 30_000;

/**
 * The CEO's brain, one per company (named "ceo"). Every domain event and every operator
 * message goes through one durable queue, processed one at a time, in order. Its alarm is its
 * clock: digests, memory, the morning briefing and the hourly ops scan.
 */
export class CeoDO extends DurableObject<Env> {
  private readonly store: CeoLocalStore;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new CeoLocalStore(ctx.storage);
  }

  /** Runs `work` after everything submitted before it: D1 calls would otherwise interleave. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Something was written: read the new domain events and work through the queue. */
  async poke(): Promise<void> {
    await this.serial(async () => {
      const now = Date.now();
      await this.ctx.storage.setAlarm(now + RETRY_MS);
      await this.pull(now);
      await this.drain();
      await this.schedule();
    });
  }

  /** An operator's message from any face; a key seen before is ignored. */
  async receive(message: InboundMessage): Promise<{ queued: boolean }> {
    const queued = this.store.enqueue(
      `message-${message.key}`,
      { kind: 'message', message },
      Date.now(),
    );
    await this.serial(async () => {
      await this.drain();
      await this.schedule();
    });
    return { queued };
  }

  /** Everything due at `now`: the queue, the digest, memory, the briefing, the hourly scan. */
  async tick(now = Date.now()) {
    return this.serial(async () => {
      await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
      const settings = await readSettings(this.env);
      await this.pull(now);
      const processed = await this.drain();
      const digest = await this.flushIfDue(now);
      const memory = await extractIdleConversations(this.env, settings, now);
      const briefing = await briefIfDue(this.env, settings, now);
      let scan: ScanResult | null = null;
      const lastScan = Number(this.store.mark('lastScanAt') ?? 0);
      if (now - lastScan >= SCAN_INTERVAL_MS) {
        const hour = new Date(now).toISOString().slice(0, 13);
        scan = await runScan(this.env, settings, hour, now, true);
        this.store.setMark('lastScanAt', String(now));
      }
      await this.schedule();
      return { processed, digest, memory, briefing, scan };
    });
  }

  /** The ops scan on demand (/scan): a reply to the operator, so the proactive guards do not apply. */
  async scan(now = Date.now()): Promise<ScanResult> {
    return this.serial(async () =>
      runScan(this.env, await readSettings(this.env), crypto.randomUUID(), now, false),
    );
  }

  /** What is inside: queue, digest buffer, guards, last sends. */
  async state(now = Date.now()) {
    return this.serial(() => ceoState(this.env, this.store, now));
  }

  override async alarm(): Promise<void> {
    await this.tick(Date.now());
  }

  private async pull(now: number): Promise<void> {
    let cursor = Number(this.store.mark('cursor') ?? -1);
    if (cursor < 0) {
      const row = await this.env.DB.prepare(
        'SELECT COALESCE(MAX(id), 0) AS id FROM domain_events WHERE created_at < ?',
      )
        .bind(now - HISTORY_MS)
        .first<{ id: number }>();
      cursor = row?.id ?? 0;
      this.store.setMark('cursor', String(cursor));
    }
    for (;;) {
      const page = await eventsAfter(this.env, cursor, PAGE);
      this.store.enqueueEvents(page, now);
      if (page.length < PAGE) return;
      cursor = page.at(-1)?.id ?? cursor;
    }
  }

  /** Processes queued items one at a time, oldest first, until the queue is empty. */
  private async drain(): Promise<number> {
    const settings = await readSettings(this.env);
    let processed = 0;
    for (let next = this.store.head(); next; next = this.store.head()) {
      const now = Date.now();
      let member = null;
      if (next.item.kind === 'event') {
        member = await place(this.env, settings, await describe(this.env, next.item.event), now);
      } else {
        await recordInbound(this.env, settings, next.item.message);
      }
      this.store.complete(next.key, member, now);
      processed++;
    }
    return processed;
  }

  /** Flushes the digest buffer once its first member has waited 5 minutes and spacing allows. */
  private async flushIfDue(now: number) {
    const buffer = this.store.buffer();
    const first = buffer[0];
    if (!first || now < first.at + DIGEST_DELAY_MS) return null;
    const resumed = this.store.mark('flush');
    let flush: { id: string; ids: string[] };
    if (resumed) {
      flush = JSON.parse(resumed) as { id: string; ids: string[] };
    } else {
      const clock = await readGuardClock(this.env);
      const last = clock.lastProactiveSentAt;
      if (last !== null && now - last < PROACTIVE_SPACING_MS) {
        const until = last + PROACTIVE_SPACING_MS;
        this.store.setMark('digestNotBefore', String(until));
        return { postponedUntil: new Date(until).toISOString() };
      }
      flush = { id: crypto.randomUUID(), ids: buffer.map((m) => m.id) };
      // Recorded before any outside call: a restart resumes this flush, never starts a second.
      this.store.setMark('flush', JSON.stringify(flush));
    }
    const members = buffer.filter((m) => flush.ids.includes(m.id));
    const settings = await readSettings(this.env);
    const result = await flushDigest(this.env, settings, flush.id, members, now);
    this.store.clearFlushed(flush.ids);
    return result;
  }

  /** Sets the alarm for the next thing due: queued work now, the digest, or the heartbeat. */
  private async schedule(): Promise<void> {
    const now = Date.now();
    const due = [now + HEARTBEAT_MS];
    if (this.store.depth() > 0 || this.store.mark('flush')) due.push(now);
    const first = this.store.buffer()[0];
    const notBefore = Number(this.store.mark('digestNotBefore') ?? 0);
    if (first) due.push(Math.max(first.at + DIGEST_DELAY_MS, notBefore, now));
    await this.ctx.storage.setAlarm(Math.min(...due));
  }
}
