import { DurableObject } from 'cloudflare:workers';
import type { Update } from 'grammy/types';
import { briefIfDue } from '../worker/ceo/briefing';
import type { OutsideDelivery } from '../worker/ceo/deliver';
import { digestPreview } from '../worker/ceo/digest';
import { extractIdleConversations } from '../worker/ceo/memory';
import { DIGEST_DELAY_MS, SCAN_INTERVAL_MS } from '../worker/ceo/policy';
import { runScan, type ScanResult } from '../worker/ceo/scan';
import { attempt, type Failure, fail, type Outcome } from '../worker/errors';
import { office } from '../worker/office/client';
import type { SettingsValue } from '../worker/settings/schema';
import { readSettings } from '../worker/settings/store';
import { telegramDelivery } from '../worker/telegram/deliver';
import { MAX_RUN, workEventRun } from './ceo/event-run';
import { flushBuffer } from './ceo/flush';
import { ItemSteps, MAX_ATTEMPTS } from './ceo/item-progress';
import { CeoLocalStore } from './ceo/local-store';
import { type ProcessContext, processItem, type QueueItem, type WebChatInput } from './ceo/process';
import { pullEvents, settingsAndPull } from './ceo/pull';
import { ceoState } from './ceo/state';
import { ChatStreams, MAX_OPEN_STREAMS } from './ceo/streams';
import { giveWay } from './give-way';
import { FOLLOW_GAP_MS, Serial } from './serial';

/** The CEO wakes itself at least this often (briefing, scan, memory), cron or not. */
const HEARTBEAT_MS = 5 * 60_000;
/** If a step dies mid-way, the alarm set before it brings the CEO back this soon. */
const RETRY_MS = 30_000;

/**
 * The CEO's brain, one per company (named "ceo"). Every domain event and every operator
 * message, from any face, goes through one durable queue, processed one at a time, in order
 * (events in a row are worked together as one run: see ceo/event-run).
 * Its alarm is its clock: digests, memory, the morning briefing and the hourly ops scan.
 */
export class CeoDO extends DurableObject<Env> {
  private readonly store: CeoLocalStore;
  private readonly streams = new ChatStreams();
  /** Where notifications go outside the app: the core knows the port, this host picks Telegram. */
  private readonly outside: OutsideDelivery = telegramDelivery;
  /** D1 calls would otherwise interleave: the queue is worked one step after another. */
  private readonly serial = new Serial('The CEO');
  /** A pass over the feed and the queue that every poke arriving before it starts joins. */
  private readonly workOnce = this.serial.coalesced(() => this.work(Date.now()), FOLLOW_GAP_MS);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new CeoLocalStore(ctx.storage);
  }

  /** Something was written: read the new domain events and work through the queue. */
  async poke(now?: number): Promise<void> {
    // Pokes that arrive while one is still waiting its turn join it: when it starts it reads
    // every event written before, theirs included. A burst of writes costs one pass, not one each,
    // and passes start at most once per FOLLOW_GAP_MS (serial.ts says why).
    // A poke at a given clock (tests) is its own pass.
    await (now === undefined ? this.workOnce() : this.serial.run(() => this.work(now)));
  }

  /**
   * A Telegram update, queued durably in the object's own storage (a synchronous write, no
   * network) and answered at once: the webhook's 200 never waits for the work. The poke that
   * follows every write, or the alarm that is always set, processes it. A seen update_id is dropped.
   */
  async receiveTelegram(update: Update): Promise<{ queued: boolean }> {
    const queued = this.store.enqueue(
      `telegram-${update.update_id}`,
      { kind: 'telegram', update },
      Date.now(),
    );
    // The CEO starts on it by itself (pokes of a burst fold into one pass), so the webhook
    // makes one call, not two. The alarm that is always set is the backstop.
    if (queued) {
      this.ctx.waitUntil(this.poke().catch(() => undefined));
    }
    return { queued };
  }

  /**
   * A web chat turn, queued like every other message; its answer streams back as server-sent
   * events while the request is open. A key seen before answers `duplicate` and nothing else.
   * With MAX_OPEN_STREAMS requests already open the turn is refused, not queued: `overloaded`.
   */
  async chat(input: WebChatInput): Promise<ReadableStream<Uint8Array> | Failure> {
    if (this.streams.full) {
      return fail(
        'overloaded',
        `The CEO is answering ${MAX_OPEN_STREAMS} chats at once: send this again in a moment.`,
      );
    }
    const key = `chat-${input.key}`;
    const queued = this.store.enqueue(key, { kind: 'chat', chat: input }, Date.now());
    if (!queued) return ChatStreams.duplicate();
    const stream = this.streams.open(key);
    await this.kick();
    return stream;
  }

  /** Everything due at `now`: the queue, the digest, memory, the briefing, the hourly scan. */
  async tick(now = Date.now()) {
    return this.serial.run(async () => {
      const settings = await readSettings(this.env);
      const processed = await this.work(now, settings);
      const digest = await flushBuffer(this.env, settings, this.outside, this.store, now);
      const memory = await extractIdleConversations(this.env, settings, now);
      const briefing = await briefIfDue(this.env, settings, this.outside, now);
      let scan: ScanResult | null = null;
      // The hourly scan's id is recorded before it runs: one cut short by a restart resumes
      // under the same id (its send settled, never repeated), even when the CEO is back later.
      const resumed = this.store.mark('scan');
      if (resumed || now - Number(this.store.mark('lastScanAt') ?? 0) >= SCAN_INTERVAL_MS) {
        const id = resumed ?? new Date(now).toISOString().slice(0, 13);
        this.store.setMark('scan', id);
        scan = await runScan(this.env, settings, this.outside, id, now, true);
        this.store.setMark('lastScanAt', String(now));
        this.store.deleteMark('scan');
      }
      await this.schedule();
      return { processed, digest, memory, briefing, scan };
    });
  }

  /**
   * The ops scan on demand: a reply to the operator, so the proactive guards do not apply.
   * An Outcome, so a full queue (`overloaded`) reaches the caller as a 503, not a bare error.
   */
  async scan(now = Date.now()): Promise<Outcome<ScanResult>> {
    return attempt(() =>
      this.serial.run(async () =>
        runScan(
          this.env,
          await readSettings(this.env),
          this.outside,
          crypto.randomUUID(),
          now,
          false,
        ),
      ),
    );
  }

  /** What is inside: queue, digest buffer, guards, last sends. Not queued behind the work. */
  async state(now = Date.now()) {
    return ceoState(this.env, this.store, now);
  }

  /**
   * The sizes of what this object holds in memory (and of the local tables whose rows a pass
   * reads into it), each bounded: the memory test checks them against their caps.
   */
  async memoryFootprint() {
    return {
      waiting: this.serial.waiting,
      openStreams: this.streams.size,
      queueDepth: this.store.depth(),
      digestMembers: this.store.bufferSize(),
      digestFolded: this.store.folded(),
    };
  }

  override async alarm(): Promise<void> {
    await this.tick(Date.now());
  }

  /**
   * Starts the queue's work without waiting for it; the alarm is the backstop if it dies. The
   * item is queued already, so joining a pass that has not started yet is enough.
   */
  private async kick(): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
    this.ctx.waitUntil(this.workOnce().catch(() => undefined));
  }

  /** Reads new domain events and processes the queue until both are empty; sets the next alarm. */
  private async work(now: number, known?: SettingsValue): Promise<number> {
    await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
    // Unless the caller read the settings, they come with the feed's new events: one trip.
    const settings = known ?? (await settingsAndPull(this.env, this.store, now));
    const levers = {
      digest: () =>
        digestPreview(this.env, settings, this.store.buffer(), now, this.store.folded()),
      scan: () => runScan(this.env, settings, this.outside, crypto.randomUUID(), now, false),
    };
    let processed = 0;
    let operatorActed = false;
    // The feed is read in next(), when the queue is dry: new events queue behind what waits.
    const runContext = { env: this.env, settings, outside: this.outside, now };
    // After a run threw, its items go one by one (with their retries): this many are left.
    let alone = 0;
    // Just pulled: the first item needs no second look at the feed.
    let next = known ? await this.next(now) : this.store.head();
    for (; next; next = await this.next(now)) {
      // Events in a row are worked together (a mission's approval queues a hundred); an item
      // the run cannot take (a message, an event tried before) goes one by one below.
      const run = next.item.kind === 'event' && !alone ? this.store.headRun(MAX_RUN) : [];
      if (run.length && (await workEventRun(runContext, this.store, run))) {
        processed += run.length;
        await giveWay();
        continue;
      }
      alone = Math.max(alone || run.length, 1) - 1; // this item is one of them
      operatorActed ||= next.item.kind !== 'event';
      const attempt = this.store.startAttempt(next.key);
      // Attempts that died without throwing (an eviction each time) end here too.
      if (attempt.n > MAX_ATTEMPTS) {
        this.setAside(next.key, attempt.lastError ?? 'interrupted', attempt.n - 1, now);
        continue;
      }
      const context: ProcessContext = {
        env: this.env,
        settings,
        outside: this.outside,
        now,
        levers,
        steps: new ItemSteps(this.ctx.storage, next.key),
        ...this.streams.sinksFor(next.key),
      };
      let member: Awaited<ReturnType<typeof processItem>>;
      try {
        member = await processItem(context, next.item);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        console.warn(`CEO queue item ${next.key} failed (attempt ${attempt.n}): ${why}`);
        if (attempt.n < MAX_ATTEMPTS) {
          // In order, like a person: nothing behind it runs before it; the alarm tries again.
          this.store.failAttempt(next.key, why);
          throw error;
        }
        this.setAside(next.key, why, attempt.n, now);
        continue;
      }
      this.store.complete(next.key, member, now);
      this.streams.close(next.key);
      processed++;
      // Requests waiting at the door get in between two items (see giveWay).
      await giveWay();
    }
    // A command or a button may have changed what robots do (a decision, /pause): the office
    // hears of it now rather than at its next check.
    if (operatorActed)
      this.ctx.waitUntil(
        office(this.env)
          .poke()
          .catch(() => undefined),
      );
    await this.schedule();
    return processed;
  }

  /**
   * The next item. Handling an item may have written events (a decision from a button): the
   * feed is read again when the queue runs dry, not after every item, since new events queue
   * behind what is waiting anyway (a burst of 200 updates cost 200 feed reads). Giving way to
   * the webhook while a burst arrives was tried twice and taken out: in two bench runs back to
   * back the ack p99 was 69 ms with it and 67 ms without, and it only delayed the CEO.
   */
  private async next(now: number): Promise<{ key: string; item: QueueItem } | null> {
    const head = this.store.head();
    if (head) return head;
    await pullEvents(this.env, this.store, now);
    return this.store.head();
  }

  private setAside(key: string, error: string, attempts: number, now: number): void {
    console.warn(`CEO queue item ${key} set aside after ${attempts} attempt(s): ${error}`);
    this.store.setAside(key, error, attempts, now);
    this.streams.sinksFor(key).onReply?.({
      text: `I could not handle that message (${error}); it is set aside for an operator to look at.`,
    });
    this.streams.close(key);
  }

  /** Sets the alarm for the next thing due: queued work now, the digest, or the heartbeat. */
  private async schedule(): Promise<void> {
    const now = Date.now();
    const due = [now + HEARTBEAT_MS];
    if (this.store.depth() > 0 || this.store.mark('flush')) due.push(now);
    const first = this.store.oldest();
    const notBefore = Number(this.store.mark('digestNotBefore') ?? 0);
    if (first) due.push(Math.max(first.at + DIGEST_DELAY_MS, notBefore, now));
    await this.ctx.storage.setAlarm(Math.min(...due));
  }
}
