import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/local-hq';
import { endProcess, spawnOwned } from '../../test/support/processes';
import { textUpdate } from '../../test/support/telegram-updates';
import { median, ms, percentile, repeat, serverMs } from './stats';
import type { BenchContext, BenchRow } from './types';

const CONCURRENT = 200;

/**
 * The Telegram webhook's floor on this machine, without HQ's code: the same burst of 200
 * updates at once against a bare worker and one SQLite Durable Object
 * (scripts/bench-fixtures/durable-ack), once with the one durable insert per update that
 * HQ's acknowledgement makes and once answered from the object's memory. Run under
 * `wrangler dev` as HQ is, without its inspector. If the bare ack's p99 misses the webhook's
 * bar too, the miss is the runtime's, not HQ's.
 */
export async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const floor = await startFloor(ctx.root);
  try {
    let next = 1;
    const burst = async (durable: boolean) => {
      const updates = Array.from({ length: CONCURRENT }, () => textUpdate(1, `update ${next++}`));
      const server = await Promise.all(
        updates.map(async (update, i) => {
          const response = await fetch(`${floor.url}/ack?write=${durable ? 1 : 0}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ ...update, update_id: next * 1000 + i }),
          });
          const text = await response.text();
          if (response.status !== 200 || !text.includes('"queued":true'))
            throw new Error(`bare ack: ${response.status} ${text.slice(0, 200)}`);
          return serverMs(response);
        }),
      );
      return percentile(server, 0.99);
    };
    const figures = async (durable: boolean) => {
      // The first burst compiles every path: unmeasured, as at HQ's webhook.
      await burst(durable);
      const p99s = await repeat(Math.max(ctx.runs, 5), () => burst(durable));
      ctx.log(
        `bare durable ack (${durable ? 'one insert each' : 'no write'}): worker p99 ${p99s.map(ms).join(', ')}`,
      );
      return median(p99s);
    };
    const durable = await figures(true);
    const memory = await figures(false);
    const label = `Bare Durable Object ack (no HQ code), ${CONCURRENT} concurrent: p99 (worker)`;
    const note = 'the webhook ack on this machine without HQ: scripts/bench-fixtures/durable-ack';
    return [
      {
        name: `${label}, one durable insert each`,
        value: ms(durable),
        bar: '—',
        verdict: '—',
        note,
      },
      { name: `${label}, no write`, value: ms(memory), bar: '—', verdict: '—', note },
    ];
  } finally {
    await floor.stop();
  }
}

/** The fixture under `wrangler dev` (own process group, own state), ended on every path. */
async function startFloor(root: string) {
  const state = mkdtempSync(join(tmpdir(), 'hq-bench-durable-ack-'));
  const port = await freePort();
  const child = spawnOwned(
    join(root, 'node_modules', '.bin', 'wrangler'),
    [
      'dev',
      '--config',
      join(root, 'scripts/bench-fixtures/durable-ack/wrangler.toml'),
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--persist-to',
      state,
    ],
    {
      cwd: root,
      // As HQ runs under the bench: without wrangler's inspector (scripts/start.mjs says why).
      env: {
        ...process.env,
        CI: 'true',
        WRANGLER_SEND_METRICS: 'false',
        VSCODE_INSPECTOR_OPTIONS: '{}',
      },
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await endProcess(child);
    rmSync(state, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) })).ok)
        return { url, stop };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the bare durable ack did not start (wrangler exit ${child.exitCode})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
