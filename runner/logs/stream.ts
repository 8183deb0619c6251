import { HqError } from '../api';
import { lastMeaningfulLine } from './last-line';
import type { Masker } from './mask';

/** Where batches go: HQ's `POST /api/runner/tasks/{id}/logs` (HqClient.appendLog). */
export interface LogSink {
  appendLog(taskId: string, batch: { run: number; seq: number; text: string }): Promise<unknown>;
}

export interface LogStreamOptions {
  sink: LogSink;
  taskId: string;
  /** The run, as the claim's `task.runs` says. */
  run: number;
  masker: Masker;
  /** HQ answered 409: the task is no longer this runner's (the heartbeat would say so too). */
  onLost?: () => void;
  /** A batch HQ refused for good (a 4xx other than 409), for the runner's own output. */
  onRefused?: (message: string) => void;
  flushMs?: number;
}

/** Output waits at most this long before it is sent (unless it fills a batch sooner). */
const FLUSH_MS = 2_000;
/** Characters per batch: at most 3 UTF-8 bytes each, so under HQ's 64 KiB per batch. */
const BATCH_CHARS = 20_000;
/** Unsent batches kept while HQ is unreachable; beyond it the oldest are dropped, with a note. */
const MAX_QUEUED_CHARS = 2_000_000;
const TAIL = 4_000;
const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000];

interface Batch {
  seq: number;
  text: string;
  /** Characters of older batches dropped just before this one (HQ was unreachable too long). */
  droppedBefore: number;
}

/**
 * The agent's output on its way to HQ: written as it comes (never blocking the agent),
 * masked, cut into numbered batches every couple of seconds and sent one at a time in order.
 * A failed send (network, 5xx) is retried with the same number, which HQ stores only once.
 */
export class LogStream {
  private pending = '';
  private readonly queue: Batch[] = [];
  private queuedChars = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private stopped = false;
  private recent = '';
  private line = '';

  constructor(private readonly opts: LogStreamOptions) {}

  /** Some output of the agent (any piece of it: lines and secrets may be cut anywhere). */
  write(text: string): void {
    if (this.stopped || !text) return;
    this.pending += text;
    if (this.pending.length >= BATCH_CHARS) this.flush(false);
    else this.timer ??= setTimeout(() => this.flush(false), this.opts.flushMs ?? FLUSH_MS).unref();
  }

  /** The last meaningful line sent so far (masked), for the heartbeat. */
  get lastLine(): string {
    return this.line;
  }

  /** The end of what was sent so far (masked), for the heartbeat's log tail. */
  get tail(): string {
    return this.recent;
  }

  /** Masks a text that leaves the runner another way (the report's error). */
  mask(text: string): string {
    return this.opts.masker.mask(text);
  }

  /**
   * Sends everything still held, then waits for HQ to have it all, at most `waitMs`: a run
   * must not hang on its log when HQ is down. Call before reporting the run.
   */
  async close(waitMs = 10_000): Promise<void> {
    this.flush(true);
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, waitMs).unref());
    await Promise.race([this.sending ?? Promise.resolve(), deadline]);
    this.stopped = true;
  }

  private flush(final: boolean): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const { out, rest } = this.opts.masker.take(this.pending, final);
    // A held ending (a secret's possible beginning) waits for the next write or the close.
    this.pending = rest;
    if (!out) return;
    this.recent = (this.recent + out).slice(-TAIL);
    this.line = lastMeaningfulLine(this.recent) || this.line;
    for (let at = 0; at < out.length; ) {
      let end = Math.min(at + BATCH_CHARS, out.length);
      // Never split a surrogate pair (an emoji) between two batches.
      if (end < out.length && /[\uD800-\uDBFF]/.test(out.charAt(end - 1))) end--;
      this.enqueue(out.slice(at, end));
      at = end;
    }
    this.sending ??= this.pump().finally(() => {
      this.sending = undefined;
    });
  }

  private enqueue(text: string): void {
    this.queue.push({ seq: ++this.seq, text, droppedBefore: 0 });
    this.queuedChars += text.length;
    // Keep the batch being sent (the first); drop the oldest of the rest, and let the batch
    // after the gap say what is missing.
    while (this.queuedChars > MAX_QUEUED_CHARS && this.queue.length > 2) {
      const [gone] = this.queue.splice(1, 1);
      const next = this.queue[1];
      if (!gone || !next) break;
      this.queuedChars -= gone.text.length;
      next.droppedBefore += gone.droppedBefore + gone.text.length;
    }
  }

  /** Sends queued batches in order until none is left, retrying what HQ did not take. */
  private async pump(): Promise<void> {
    let failures = 0;
    while (this.queue.length && !this.stopped) {
      const batch = this.queue[0] as Batch;
      const note = batch.droppedBefore
        ? `[runner: ${batch.droppedBefore} characters of output dropped while HQ was unreachable]\n`
        : '';
      try {
        await this.opts.sink.appendLog(this.opts.taskId, {
          run: this.opts.run,
          seq: batch.seq,
          text: note + batch.text,
        });
        failures = 0;
      } catch (error) {
        if (error instanceof HqError && error.status === 409) {
          this.stopped = true;
          this.queue.length = 0;
          this.opts.onLost?.();
          return;
        }
        const retry = !(error instanceof HqError) || error.status >= 500 || error.status === 429;
        if (retry) {
          await sleep(BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)] ?? 8_000);
          continue;
        }
        this.opts.onRefused?.((error as Error).message);
      }
      this.queue.shift();
      this.queuedChars -= batch.text.length;
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
