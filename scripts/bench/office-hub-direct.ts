// `npx tsx scripts/bench/office-hub-direct.ts [runs]`: the office-hub suite twice on one HQ,
// through wrangler dev's proxy (as `npm run bench`) and straight to the runtime's own port,
// to tell the hub's fan-out from the dev proxy relaying 500 WebSockets. Diagnostic only: it
// finds the runtime's port with `pgrep` and `ss` (Linux), which the bench proper does not need.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { endAllProcesses } from '../../test/support/processes';
import { startBenchHq } from './hq';
import { measure } from './office-hub';

const root = join(import.meta.dirname, '..', '..');
const log = (message: string) => process.stderr.write(`hub: ${message}\n`);
const runs = Number(process.argv[2] ?? 3);
const hq = await startBenchHq(root, '');
try {
  // wrangler dev runs two workerd: the proxy on the known port, the runtime on a random one.
  const ours = execFileSync('pgrep', ['-a', 'workerd'])
    .toString()
    .split('\n')
    .filter((line) => line.includes(root) && line.includes('entry=127.0.0.1:0 '))
    .map((line) => line.split(' ')[0]);
  const ports = execFileSync('ss', ['-Hltnp'])
    .toString()
    .split('\n')
    .filter((line) => ours.some((pid) => line.includes(`pid=${pid},`)))
    .map((line) => /127\.0\.0\.1:(\d+)/.exec(line)?.[1])
    .filter((port): port is string => port !== undefined);
  const ctx = { root, runs, log, hq: async () => hq };
  log(`through the proxy: ${JSON.stringify(await measure(ctx))}`);
  // The runtime listens on more than one port (the entry, loopback): the one that serves HQ.
  for (const port of ports) {
    const direct = { ...hq, url: `http://127.0.0.1:${port}` };
    try {
      log(
        `straight to ${port}: ${JSON.stringify(await measure({ ...ctx, hq: async () => direct }))}`,
      );
    } catch (error) {
      log(`port ${port} does not serve HQ: ${String(error)}`);
    }
  }
} finally {
  await hq.stop();
  await endAllProcesses();
}
