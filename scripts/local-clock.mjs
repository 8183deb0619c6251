// `wrangler dev` runs no Cron Triggers by itself: this clock fires the Worker's scheduled
// handler on the schedules in wrangler.toml, as Cloudflare does once deployed, through the
// `/__scheduled` path that `wrangler dev --test-scheduled` serves. The same cron reader as the
// worker (croner) works out when.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cron } from 'croner';

/** The `crons = [...]` of wrangler.toml's [triggers] table. */
export function cronsOf(root) {
  const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8');
  const triggers = toml.split(/^\[triggers\]\s*$/m)[1] ?? '';
  const list = triggers.match(/^crons\s*=\s*\[([^\]]*)\]/m)?.[1] ?? '';
  return [...list.matchAll(/"([^"]+)"/g)].map((match) => match[1]);
}

/** Runs the scheduled handler once for `cron` (what a tick by hand does, too). */
export async function fireScheduled(url, cron) {
  const response = await fetch(`${url}/__scheduled?cron=${encodeURIComponent(cron)}`, {
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${text.slice(0, 200)}`);
  return text;
}

/**
 * Starts one job per cron (UTC, as Cloudflare reads them). A tick still running when the next
 * one comes is not doubled (`protect`). A failing tick is said once until one succeeds again.
 * Returns the jobs; `stop()` ends them all.
 */
export function startLocalClock(url, crons, log = console) {
  let failing = false;
  const jobs = crons.map(
    (cron) =>
      new Cron(cron, { timezone: 'UTC', protect: true }, async () => {
        try {
          await fireScheduled(url, cron);
          if (failing) log.log(`▶ Local cron ticks work again (${cron}).`);
          failing = false;
        } catch (error) {
          if (!failing) log.error(`✖ Local cron tick "${cron}" failed: ${error.message}`);
          failing = true;
        }
      }),
  );
  const stop = () => {
    for (const job of jobs) job.stop();
  };
  return { jobs, stop };
}
