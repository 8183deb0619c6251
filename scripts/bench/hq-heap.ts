import WebSocket from 'ws';
import { runtimePorts } from './runtime-port';

interface Target {
  title?: string;
  webSocketDebuggerUrl?: string;
}

/** V8's heap figures of one isolate (`Runtime.getHeapUsage`): bytes used and reserved. */
interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

/** A target's devtools address on `port` (the runtime lists it under its own host name). */
const sessionAddress = (debuggerUrl: string, port: number) =>
  debuggerUrl.replace(/\/\/[^/]+\//, `//127.0.0.1:${port}/`);

/** HQ's isolate in the runtime's target list: the worker named `hq` (wrangler.toml). */
const isHq = (target: Target) => /(^|:)hq$/.test(target.title ?? '');

/**
 * A devtools session on HQ's own isolate, through the inspector of wrangler dev's runtime
 * workerd (it lists every isolate it runs: HQ, the local D1, the assets, ...). Only usable
 * when wrangler dev runs without its own inspector proxy: workerd allows one session per
 * isolate, and opening a second drops wrangler's and then this one. Held for the whole suite:
 * a session opened after another closed was never answered.
 */
export class HqHeap {
  private next = 0;
  private readonly waiting = new Map<number, (message: { result?: unknown }) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
      // Events (the snapshot's chunks) are not kept: only the heap's size is wanted.
      if (message.id !== undefined) this.waiting.get(message.id)?.(message);
    });
  }

  /** The session, or undefined when the runtime or HQ's isolate cannot be found. */
  static async open(wranglerPid: number | undefined, url: string): Promise<HqHeap | undefined> {
    for (const port of runtimePorts(wranglerPid, url)) {
      const target = await hqTarget(port);
      if (!target?.webSocketDebuggerUrl) continue;
      const socket = new WebSocket(sessionAddress(target.webSocketDebuggerUrl, port), {
        perMessageDeflate: false,
      });
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      return new HqHeap(socket);
    }
    return undefined;
  }

  private send<T>(method: string, params: object, timeoutMs: number): Promise<T> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${method}: no answer from HQ's isolate within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiting.set(id, (message) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(message.result as T);
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * HQ's live heap in bytes: V8's used size right after a heap snapshot, which collects all
   * garbage first (`HeapProfiler.collectGarbage` is never answered by workerd). Without the
   * collection the figure is mostly garbage V8 has not taken back yet.
   */
  async live(): Promise<number> {
    await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, 120_000);
    return (await this.usage()).usedSize;
  }

  /** V8's heap figures for HQ's isolate as they stand, garbage included: used and reserved. */
  usage(): Promise<HeapUsage> {
    return this.send('Runtime.getHeapUsage', {}, 10_000);
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * V8's figures for every other isolate the runtime lists (the local D1, the assets, the
 * runtime's own entry workers), garbage included: used and reserved bytes by title. Each
 * through a session of its own, closed after the one question (HQ's is held by `HqHeap`).
 */
export async function otherIsolateHeaps(
  wranglerPid: number | undefined,
  url: string,
): Promise<(HeapUsage & { title: string })[]> {
  const found: (HeapUsage & { title: string })[] = [];
  for (const port of runtimePorts(wranglerPid, url)) {
    const targets = await targetList(port);
    for (const target of targets) {
      if (isHq(target) || !target.webSocketDebuggerUrl) continue;
      const usage = await askOnce<HeapUsage>(
        sessionAddress(target.webSocketDebuggerUrl, port),
        'Runtime.getHeapUsage',
      );
      if (usage) found.push({ title: target.title ?? '?', ...usage });
    }
  }
  return found;
}

/** One devtools question on a session of its own; undefined when not answered within 10 s. */
function askOnce<T>(address: string, method: string): Promise<T | undefined> {
  return new Promise((resolve) => {
    const socket = new WebSocket(address, { perMessageDeflate: false });
    const done = (value: T | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), 10_000);
    socket.once('open', () => socket.send(JSON.stringify({ id: 1, method, params: {} })));
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: T };
      if (message.id === 1) done(message.result);
    });
    socket.once('error', () => done(undefined));
  });
}

/** The targets a port's inspector lists; empty when it is not an inspector port. */
async function targetList(port: number): Promise<Target[]> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/json/list`, {
      signal: AbortSignal.timeout(2000),
    });
    const targets = (await response.json()) as unknown;
    return Array.isArray(targets) ? (targets as Target[]) : [];
  } catch {
    return []; // not an inspector port (HQ's own, or the runtime's loopback)
  }
}

/** HQ's target in the target list a port serves, if it is an inspector port. */
async function hqTarget(port: number): Promise<Target | undefined> {
  return (await targetList(port)).find(isHq);
}
