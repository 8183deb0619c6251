import { throughProxy } from './hq';
import { median, ms, percentile, serverMs } from './stats';

/**
 * A request on the core path that takes this long is stuck, not slow (under a load average
 * of 15 on 2 cores the slowest seen took a few seconds): the suite fails, naming it.
 */
const TIMEOUT_MS = 10_000;
/** How long a stuck request is still awaited, to say whether it was slow or lost. */
const LATE_MS = 60_000;
const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(resolve, ms));

/** One request's worker time (Server-Timing app;dur) and wall time, in ms. */
export interface Timing {
  server: number;
  wall: number;
}

/** p50 and p95 of worker and wall time over `n` requests (or request pairs). */
export interface Figures {
  p50: number;
  p95: number;
  wallP50: number;
  wallP95: number;
  n: number;
}

/**
 * Sends one request (again after a 503 of wrangler dev's proxy) and times it to the end of
 * its body; fails unless it answers `expect`. The body, parsed when there is one.
 */
export async function timed<T>(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: unknown },
  expect: number,
): Promise<Timing & { body: T }> {
  const started = performance.now();
  const sent = throughProxy(() =>
    fetch(url, {
      method: init.method,
      headers: { ...init.headers, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(TIMEOUT_MS + LATE_MS),
    }),
  );
  const response = await Promise.race([sent, sleep(TIMEOUT_MS)]);
  if (!response) {
    // Stuck: fail, but first tell whether HQ still answers and whether this one ever does.
    const meanwhile = await health(url);
    const late = await sent.then(
      (r) => `it answered ${r.status} after ${ms(performance.now() - started)}`,
      () => `no answer after ${(TIMEOUT_MS + LATE_MS) / 1000} s`,
    );
    throw new Error(
      `${init.method} ${url} hung: no answer within ${TIMEOUT_MS / 1000} s (${meanwhile}; ${late})`,
    );
  }
  const text = await response.text();
  const wall = performance.now() - started;
  if (response.status !== expect)
    throw new Error(`${init.method} ${url}: ${response.status} (not ${expect}) ${text}`);
  return {
    server: serverMs(response),
    wall,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

/** Whether the worker still answers GET /api/health, to tell a stuck request from a stuck HQ. */
async function health(url: string): Promise<string> {
  const started = performance.now();
  try {
    const response = await fetch(new URL('/api/health', url), {
      signal: AbortSignal.timeout(5_000),
    });
    return `meanwhile GET /api/health answers ${response.status} in ${ms(performance.now() - started)}`;
  } catch (error) {
    return `and GET /api/health fails too: ${error instanceof Error ? error.message : error}`;
  }
}

/** Two timings as one: a propose and its approval, say. */
export const plus = (a: Timing, b: Timing): Timing => ({
  server: a.server + b.server,
  wall: a.wall + b.wall,
});

/**
 * `count` operations spread over `lanes` that run at once, each lane one after the other:
 * `lane` and its own index `i` name the operation. Lanes 1: one at a time.
 */
export async function sample(
  count: number,
  lanes: number,
  op: (lane: number, i: number) => Promise<Timing>,
): Promise<Figures> {
  const timings: Timing[] = [];
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let i = lane; i < count; i += lanes) timings.push(await op(lane, i));
    }),
  );
  return figures(timings);
}

/** The percentiles of `timings`. */
export function figures(timings: Timing[]): Figures {
  const server = timings.map((t) => t.server);
  const wall = timings.map((t) => t.wall);
  return {
    p50: percentile(server, 0.5),
    p95: percentile(server, 0.95),
    wallP50: percentile(wall, 0.5),
    wallP95: percentile(wall, 0.95),
    n: timings.length,
  };
}

/** The median over runs of each figure. */
export function medianFigures(runs: Figures[]): Figures {
  const med = (pick: (f: Figures) => number) => median(runs.map(pick));
  return {
    p50: med((f) => f.p50),
    p95: med((f) => f.p95),
    wallP50: med((f) => f.wallP50),
    wallP95: med((f) => f.wallP95),
    n: runs[0]?.n ?? 0,
  };
}
