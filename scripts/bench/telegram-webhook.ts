import { median, ms, percentile, repeat, serverMs, verdict } from './stats';
import { linkChat, textUpdate } from './telegram-updates';
import type { BenchContext, BenchRow } from './types';

const CONCURRENT = 200;
const BAR_P99_MS = 20;

/** What an operator would type: the CEO answers each one after the acknowledgement. */
const TEXTS = ['How is the company doing?', '/status', 'Anything blocked?', '/missions'];

type Update = ReturnType<typeof textUpdate>;

/**
 * Telegram webhook acknowledgement under a burst: 200 updates from a linked operator's chat
 * posted at once, each answered 200 before the CEO works on it. The worker's own time comes
 * from Server-Timing; wall-clock adds wrangler dev's local proxy and the client. A last burst
 * of 200 copies of an update already processed (dropped: no write, no work for the CEO) shows
 * what the acknowledgement costs without the CEO busy beside it.
 */
export async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const hq = await ctx.hq();
  const operator = await hq.signIn('operator@hq.local');
  const chatId = await linkChat(hq, operator);

  async function burst(updates: Update[], queued: boolean) {
    const results = await Promise.all(
      updates.map(async (update) => {
        const started = performance.now();
        const response = await hq.deliver(update);
        const wall = performance.now() - started;
        const text = await response.text();
        // A fresh update sent again after the dev proxy lost it may already be queued.
        const expected = queued ? '"ok":true' : '"queued":false';
        if (response.status !== 200 || !text.includes(expected))
          throw new Error(`webhook: ${response.status} ${text.slice(0, 200)}`);
        return { server: serverMs(response), wall };
      }),
    );
    return { server: results.map((r) => r.server), wall: results.map((r) => r.wall) };
  }
  const fresh = () =>
    Array.from({ length: CONCURRENT }, (_, i) => textUpdate(chatId, TEXTS[i % TEXTS.length] ?? ''));

  // Warm the isolate and the CEO's object with one unmeasured burst (the first one compiles
  // every path and costs several times a warm one), and let the CEO finish it.
  const warmUp = fresh();
  await burst(warmUp, true);
  await hq.ceoIdle();

  // A p99 of 200 samples is its second-worst: at least 5 runs for a stable median.
  const runs = await repeat(Math.max(ctx.runs, 5), async (run) => {
    const { server, wall } = await burst(fresh(), true);
    const result = {
      serverP50: percentile(server, 0.5),
      serverP99: percentile(server, 0.99),
      wallP50: percentile(wall, 0.5),
      wallP99: percentile(wall, 0.99),
    };
    ctx.log(
      `webhook run ${run + 1}: worker p50 ${ms(result.serverP50)} p99 ${ms(result.serverP99)}, wall p50 ${ms(result.wallP50)} p99 ${ms(result.wallP99)}`,
    );
    // The CEO answers all 200 before the next burst, so every run starts from the same place.
    await hq.ceoIdle();
    return result;
  });
  const seen = warmUp[0];
  const duplicates = await repeat(Math.max(ctx.runs, 5), async () => {
    const { server } = await burst(
      Array.from({ length: CONCURRENT }, () => seen ?? textUpdate(chatId, 'seen')),
      false,
    );
    return percentile(server, 0.99);
  });

  const serverP99 = median(runs.map((r) => r.serverP99));
  const label = `Telegram webhook ack, ${CONCURRENT} concurrent`;
  return [
    {
      name: `${label}: p50 (worker)`,
      value: ms(median(runs.map((r) => r.serverP50))),
      bar: '—',
      verdict: '—',
    },
    {
      name: `${label}: p99 (worker)`,
      value: ms(serverP99),
      bar: `< ${BAR_P99_MS} ms`,
      verdict: verdict(serverP99 < BAR_P99_MS),
      note: 'Server-Timing app;dur',
    },
    {
      name: `${label}: p50 (wall, via wrangler dev)`,
      value: ms(median(runs.map((r) => r.wallP50))),
      bar: '—',
      verdict: '—',
      note: 'includes the local dev proxy',
    },
    {
      name: `${label}: p99 (wall, via wrangler dev)`,
      value: ms(median(runs.map((r) => r.wallP99))),
      bar: '—',
      verdict: '—',
      note: 'includes the local dev proxy',
    },
    {
      name: `${label}: p99 (worker), already-seen updates`,
      value: ms(median(duplicates)),
      bar: '—',
      verdict: '—',
      note: 'dropped at once: no write, CEO idle',
    },
  ];
}
