// `npm run bench [-- --runs N] [-- --only name,name]`: starts HQ locally, runs every suite
// of suites.ts, and prints one table of medians beside their bars. Also written to
// .tmp/bench-results.json (git-ignored). Not part of `npm test`: it wants a quiet machine.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { endAllProcesses } from '../../test/support/processes';
import { type BenchHq, proxyRetryCount, startBenchHq } from './hq';
import { suites } from './suites';
import { formatTable } from './table';
import type { BenchContext, BenchRow, Suite } from './types';

const root = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, only: { type: 'string' } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1');
const only = values.only?.split(',');
const selected = suites.filter((s) => !only || only.includes(s.name));

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const began = Date.now();
// Latency figures measure the machine as much as HQ: say when something else is using it.
const load = loadavg()[0] ?? 0;
if (load > cpus().length / 2)
  log(`load average is ${load.toFixed(1)} on ${cpus().length} cores: figures will be noisy`);
// A workerd left over from another run spins on a core and moves every figure.
const strays = strayWorkerds();
if (strays.length > 0)
  log(`${strays.length} workerd process(es) already running (pids ${strays.join(', ')}): end them`);

// wrangler dev serves web/dist and the bundle-size suite measures it: build it fresh.
log('building the web app');
execFileSync(
  join(root, 'node_modules', '.bin', 'vite'),
  ['build', '--config', 'web/vite.config.ts'],
  {
    cwd: root,
    stdio: 'pipe',
  },
);

let started: Promise<BenchHq> | undefined;
const ctx: BenchContext = {
  root,
  runs,
  log,
  hq() {
    started ??= (async () => {
      const seed = selected
        .filter((s) => !s.ownHq)
        .map((s) => s.seedSql?.() ?? '')
        .filter((sql) => sql.trim() !== '')
        .join('\n');
      log('starting HQ (wrangler dev)');
      return startBenchHq(root, seed);
    })();
    return started;
  },
};

/**
 * A suite that measures HQ in a stated condition (`ownHq`) gets an HQ of its own, loaded with
 * its own seed only, with the shared one stopped first: what the suites before it left in D1
 * (the task list's 100,000 tasks, the office's 200 agents) is not its condition.
 */
async function ownContext(suite: Suite): Promise<{ ctx: BenchContext; stop(): Promise<void> }> {
  if (started) {
    await (await started.catch(() => null))?.stop();
    started = undefined;
  }
  log(`starting an HQ of ${suite.name}'s own (wrangler dev)`);
  const own = startBenchHq(root, suite.seedSql?.() ?? '');
  return {
    ctx: { ...ctx, hq: () => own },
    stop: async () => (await own.catch(() => null))?.stop(),
  };
}

const rows: BenchRow[] = [];
let failed = false;
try {
  for (const suite of selected) {
    log(`${suite.name}…`);
    const own = suite.ownHq ? await ownContext(suite) : undefined;
    try {
      rows.push(...(await suite.measure(own?.ctx ?? ctx)));
    } catch (error) {
      failed = true;
      log(`${suite.name} failed: ${error instanceof Error ? error.stack : String(error)}`);
      rows.push({ name: suite.name, value: 'error', bar: '—', verdict: 'MISS', note: 'see log' });
    } finally {
      await own?.stop();
    }
  }
} finally {
  if (started) await (await started.catch(() => null))?.stop();
  // Whatever a failed suite left running (a browser, a wrangler) ends with the bench.
  await endAllProcesses();
}

const machine = `${cpus().length} cores, Node ${process.versions.node}, load average ${load.toFixed(1)} at start`;
console.log(`HQ bench: median of ${runs} run(s), ${machine}\n`);
console.log(formatTable(rows));
if (proxyRetryCount() > 0)
  console.log(`\n${proxyRetryCount()} request(s) sent again after wrangler dev's proxy lost them`);
const misses = rows.filter((r) => r.verdict === 'MISS').length;
console.log(
  `\n${misses ? `${misses} MISS` : 'all bars met'} (${Math.round((Date.now() - began) / 1000)} s)`,
);
mkdirSync(join(root, '.tmp'), { recursive: true });
writeFileSync(
  join(root, '.tmp', 'bench-results.json'),
  `${JSON.stringify({ at: new Date().toISOString(), runs, machine, rows }, null, 2)}\n`,
);
process.exitCode = failed ? 1 : 0;

/** Pids of workerd processes running before the bench starts any. */
function strayWorkerds(): number[] {
  try {
    return execFileSync('pgrep', ['-x', 'workerd'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when it finds none
  }
}
