import type { Reply } from '../../worker/ceo/reply';

const encoder = new TextEncoder();

/**
 * The most web chat requests held open at once. Each holds a stream and its buffered tokens in
 * memory until its turn is answered; the queue is worked one turn at a time, so a crowd of
 * waiting turns only waits longer. A hundred people typing at once is far past a company's
 * operators; beyond it a turn is refused (`overloaded`, a 503) rather than queued.
 */
export const MAX_OPEN_STREAMS = 100;

/** One server-sent event. */
export function sse(event: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * The open web chat requests, by queue key. While a request is open its answer streams to it
 * (`token` events, then `reply` with the whole answer and its buttons, then `done`). After a
 * restart there is no stream: the answer is still recorded in the conversation.
 */
export class ChatStreams {
  private readonly writers = new Map<string, WritableStreamDefaultWriter<Uint8Array>>();

  /** How many requests are open: what the CEO's memory holds for them. */
  get size(): number {
    return this.writers.size;
  }

  /** No room for another open request (see MAX_OPEN_STREAMS). */
  get full(): boolean {
    return this.writers.size >= MAX_OPEN_STREAMS;
  }

  /** A stream for one queued turn; it starts with `queued` so the browser knows it was taken. */
  open(key: string): ReadableStream<Uint8Array> {
    const { readable, writable } = new IdentityTransformStream();
    const writer = writable.getWriter();
    this.writers.set(key, writer);
    this.write(key, sse('queued', { key }));
    return readable;
  }

  /** The sink and reply callbacks for a queued item, when its request is still open. */
  sinksFor(key: string): { sink?: (text: string) => void; onReply?: (reply: Reply) => void } {
    if (!this.writers.has(key)) return {};
    return {
      sink: (text) => this.write(key, sse('token', { text })),
      onReply: (reply) => this.write(key, sse('reply', reply)),
    };
  }

  close(key: string): void {
    const writer = this.writers.get(key);
    if (!writer) return;
    this.writers.delete(key);
    this.write(key, sse('done', {}), writer);
    writer.close().catch(() => undefined);
  }

  /** The whole answer to a turn that was already taken: one event, then the end. */
  static duplicate(): ReadableStream<Uint8Array> {
    const { readable, writable } = new IdentityTransformStream();
    const writer = writable.getWriter();
    writer.write(sse('duplicate', {})).catch(() => undefined);
    writer.close().catch(() => undefined);
    return readable;
  }

  // A browser that went away makes writes fail: the turn goes on, and is recorded, regardless.
  private write(key: string, bytes: Uint8Array, writer = this.writers.get(key)) {
    writer?.write(bytes).catch(() => this.writers.delete(key));
  }
}
