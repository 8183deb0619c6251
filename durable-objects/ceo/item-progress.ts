import type { Transformer } from 'grammy/web';

/** An item that died or threw this many times is set aside, so the queue behind it moves on. */
export const MAX_ATTEMPTS = 3;

/** Bot API calls that change nothing outside (reads, the typing indicator) may run again. */
const harmless = (method: string) => method.startsWith('get') || method === 'sendChatAction';

/** A queue item set aside after failing `MAX_ATTEMPTS` times. */
export interface DeadLetter {
  key: string;
  kind: string;
  error: string;
  attempts: number;
  at: number;
}

/**
 * What processing a queue item has already done, in the CEO's own storage, so an item run
 * again after a restart repeats nothing that finished: a computed answer (the model call
 * behind it) is recorded when done and read back, and every outgoing Bot API call is claimed
 * before it leaves. A claim without a recorded result means the call may have gone out: it is
 * not made again (at most once, as notifications' `sendOnce`).
 */
export class ItemSteps {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly itemKey: string,
  ) {}

  /** Runs `work` once per item: a run after a restart gets the recorded result. */
  async once<T>(name: string, work: () => Promise<T>): Promise<T> {
    const step = this.next(name);
    const done = this.read(step);
    if (done?.result != null) return JSON.parse(done.result) as T;
    const value = await work();
    this.write(step, JSON.stringify(value ?? null));
    return value;
  }

  /** A grammY transformer that claims each outgoing Bot API call of this item before it is made. */
  readonly telegram: Transformer = async (prev, method, payload, signal) => {
    if (harmless(method)) return prev(method, payload, signal);
    const step = this.next(`bot:${method}`);
    const earlier = this.read(step);
    if (earlier) {
      // Replies are fire-and-forget in the handlers: `true` stands in for an unknown result.
      const result: unknown = earlier.result === null ? true : JSON.parse(earlier.result);
      return { ok: true, result } as Awaited<ReturnType<typeof prev>>;
    }
    this.write(step, null);
    const response = await prev(method, payload, signal);
    if (response.ok) this.write(step, JSON.stringify(response.result));
    return response;
  };

  // Steps are numbered per name in call order: a rerun of the same item takes the same path
  // up to where it stopped, so the n-th call of a name is the same call.
  private next(name: string): string {
    const n = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, n);
    return `${name}#${n}`;
  }

  private read(step: string): { result: string | null } | undefined {
    return this.storage.sql
      .exec<{ result: string | null }>(
        'SELECT result FROM item_steps WHERE item_key = ? AND step = ?',
        this.itemKey,
        step,
      )
      .toArray()[0];
  }

  private write(step: string, result: string | null): void {
    this.storage.sql.exec(
      'INSERT OR REPLACE INTO item_steps (item_key, step, result) VALUES (?, ?, ?)',
      this.itemKey,
      step,
      result,
    );
  }
}
