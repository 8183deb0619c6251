/**
 * One-at-a-time work inside a Durable Object. The runtime interleaves a DO's requests at every
 * await on outgoing I/O (D1 calls included), so two writers would read and write around each
 * other; chaining every piece of work on the previous one keeps them strictly in turn.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * Runs `work` after everything submitted before it has settled. A failed run rejects its own
   * caller only: the next one still runs.
   */
  run<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * A function that queues `work` in turn, once: calls made while a run of it still waits for
   * its turn join that run and share its result. Fit for work that reads everything written
   * before it starts (a feed, a queue): a burst of pokes costs one pass, not one each. A call
   * made once the run has started queues a fresh one, so nothing written meanwhile is missed.
   */
  coalesced<T>(work: () => Promise<T>): () => Promise<T> {
    let waiting: Promise<T> | null = null;
    return () => {
      if (waiting) return waiting;
      const run = this.run(() => {
        waiting = null;
        return work();
      });
      waiting = run;
      return run;
    };
  }
}
