// Types for local-clock.mjs (plain JavaScript so `npm start` runs it with no build step).
import type { Cron } from 'croner';

/** The `crons = [...]` of wrangler.toml's [triggers] table. */
export function cronsOf(root: string): string[];

/** Runs the scheduled handler once for `cron`; the handler's answer text. */
export function fireScheduled(url: string, cron: string): Promise<string>;

/** One croner job per cron, firing `url`'s scheduled handler; `stop()` ends them. */
export function startLocalClock(
  url: string,
  crons: string[],
  log?: Pick<Console, 'log' | 'error'>,
): { jobs: Cron[]; stop(): void };
