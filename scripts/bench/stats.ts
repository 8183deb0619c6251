/** The value at quantile `q` (0..1) of `values`, nearest-rank. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** The median of `values`. */
export const median = (values: number[]): number => percentile(values, 0.5);

/** Milliseconds: two decimals below 10 ms, one above. */
export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

/** Runs `once` `runs` times, one after the other. */
export async function repeat<T>(runs: number, once: (run: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let run = 0; run < runs; run++) results.push(await once(run));
  return results;
}

/** The worker's own time for a response, from `Server-Timing: app;dur=<ms>`. */
export function serverMs(response: Response): number {
  const match = /app;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '');
  // wrangler dev answers 503 itself when the worker reloads mid-request (a file changed).
  if (!match?.[1])
    throw new Error(`${response.url} answered ${response.status} without Server-Timing app;dur`);
  return Number(match[1]);
}

/** PASS when `ok`, else MISS. */
export const verdict = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');
