import { DomainError, type Failure } from '../worker/errors';

/**
 * How many pieces of work may wait (or run) at once. Each holds its closure and its caller's
 * promise in memory; a flood of requests faster than the work drains would otherwise grow the
 * chain until the object hits its 128 MB. A thousand is far beyond any honest burst (pokes
 * fold into one, see `coalesced`) and a few hundred kilobytes at most.
 */
export const MAX_WAITING = 1_000;

/**
 * The feed's followers (the CEO, the office hub) start a pass at most this often. A poke
 * follows every write, and a pass costs several reads and its own CPU whatever it finds: under
 * `wrangler dev` everything shares one thread, so passes ran inside the next requests. With
 * the followers unpoked, propose + approve took 7 to 12 ms instead of 11 to 15 (`npm run
 * bench`, core path). A tenth of a second is quicker than anyone reads a notification or
 * watches a robot stand up.
 */
export const FOLLOW_GAP_MS = 100;

/** The queue is full: refused at once, as `overloaded` (a 503), rather than held in memory. */
export class SerialOverloaded extends DomainError {
  constructor(what: string) {
    super(
      'overloaded',
      `${what} is busy: ${MAX_WAITING.toLocaleString('en')} pieces of work are already waiting. Try again in a moment.`,
    );
    this.name = 'SerialOverloaded';
  }
}

/**
 * One-at-a-time work inside a Durable Object. The runtime interleaves a DO's requests at every
 * await on outgoing I/O (D1 calls included), so two writers would read and write around each
 * other; chaining every piece of work on the previous one keeps them strictly in turn.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** `what` names the object in the refusal a caller sees ("The CEO is busy: …"). */
  constructor(private readonly what = 'This part of HQ') {}

  /** Pieces of work submitted and not yet settled: what the chain holds in memory. */
  get waiting(): number {
    return this.pending;
  }

  /**
   * Runs `work` after everything submitted before it has settled. A failed run rejects its own
   * caller only: the next one still runs. Refused with `SerialOverloaded` (a rejection, never
   * a synchronous throw) when `MAX_WAITING` pieces are already waiting.
   */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.pending >= MAX_WAITING) return Promise.reject(new SerialOverloaded(this.what));
    this.pending++;
    const run = this.tail.then(work).finally(() => {
      this.pending--;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * A function that queues `work` in turn, once: calls made while a run of it still waits for
   * its turn join that run and share its result. Fit for work that reads everything written
   * before it starts (a feed, a queue): a burst of pokes costs one pass, not one each. A call
   * made once the run has started queues a fresh one, so nothing written meanwhile is missed.
   *
   * `minGapMs`: a run starts at least this long after the previous one started. A call in the
   * gap waits for its end (joined by every call meanwhile); a call after a quiet spell runs at
   * once. Writes arriving one after another then cost a pass per gap, not a pass each.
   */
  coalesced<T>(work: () => Promise<T>, minGapMs = 0): () => Promise<T> {
    let waiting: Promise<T> | null = null;
    let lastStart = Number.NEGATIVE_INFINITY;
    const queue = () =>
      this.run(() => {
        waiting = null;
        lastStart = performance.now();
        return work();
      });
    return () => {
      if (waiting) return waiting;
      // performance.now(), not Date.now(): tests set the date by hand, back as well as forth.
      const gap = Math.min(minGapMs, lastStart + minGapMs - performance.now());
      const run = gap > 0 ? delay(gap).then(queue) : queue();
      waiting = run;
      // Refused (a full queue) is not kept: later calls must not join a run that never starts.
      run.catch(() => {
        if (waiting === run) waiting = null;
      });
      return run;
    };
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * For an RPC method that answers an Outcome: a full queue becomes a failed Outcome (plain
 * data, so `overloaded` survives the RPC boundary and the caller answers 503); anything else
 * is thrown again.
 */
export function refusedWhenFull(error: unknown): Failure {
  if (error instanceof SerialOverloaded) return { ok: false, error: error.toData() };
  throw error;
}
