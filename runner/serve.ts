import { type Capability, HqClient, HqError, type RunnerRepository } from './api';
import { credentialWarnings, describeCapabilities, probeCapabilities } from './capabilities';
import { DISK_RECHECK_MS, DiskGate } from './disk';
import { MIN_SECRET_LENGTH, unmaskable } from './logs/mask';
import { createMerger } from './merge-loop';
import { readOptions, UsageError } from './options';
import { createPlanner } from './planning/loop';
import { Progress } from './progress';
import { createSnapshotReporter, SNAPSHOT_EVERY_MS } from './repo-snapshot';
import { createReviewer } from './review/loop';
import { StartError, startChecks } from './start';
import { type RunnerOptions, runTask } from './task-run';

/** How long one claim waits for work before asking again (HQ allows up to 25 s). */
const CLAIM_WAIT_SECONDS = 5;

/** `npm run runner`: claims tasks from HQ and runs each in a clone of its own until Ctrl-C. */
export async function serve(argv: string[]): Promise<number> {
  let cli: ReturnType<typeof readOptions>;
  try {
    cli = readOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message ? `${error.message}\n\n` : ''}${error.usage}`);
    return error.message ? 2 : 0;
  }
  const progress = new Progress();
  for (const note of cli.notes) progress.info(note);
  const short = unmaskable(cli.env);
  if (short.length) {
    progress.info(
      `not masked in run logs (values under ${MIN_SECRET_LENGTH} characters): ${short.join(', ')}`,
    );
  }
  let started: Awaited<ReturnType<typeof startChecks>>;
  try {
    started = await startChecks(cli, progress);
  } catch (error) {
    if (!(error instanceof StartError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const probed = await probeCapabilities(cli);
  progress.info(describeCapabilities(probed));
  for (const warning of credentialWarnings(probed.capabilities, cli.env)) progress.info(warning);
  if (!probed.capabilities.some((c) => c.preset === cli.executor)) {
    process.stderr.write(
      `--executor ${cli.executor}: not available here (see "can run" above); install it or pick another\n`,
    );
    return 2;
  }
  const opts: RunnerOptions = {
    client: new HqClient(cli.server, cli.token),
    ...started,
    disk: new DiskGate(cli.workDir, cli.minFreeDiskMb * 1024 * 1024, (line) => progress.info(line)),
    progress,
    executor: cli.executor,
    command: cli.command,
    openai: cli.openai,
    declaredEnv: cli.env,
    heartbeatSeconds: cli.heartbeatSeconds,
  };
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: under npm or tsx a Ctrl-C arrives twice (from the terminal's process
    // group and relayed by the parent); a second one must not kill the runner mid-release.
    process.on(signal, () => {
      if (stop.signal.aborted) return;
      progress.info(
        `\n${signal}: giving running tasks back to HQ (up to ${CLAIM_WAIT_SECONDS} s)…`,
      );
      stop.abort();
    });
  }
  progress.info(`runner → ${cli.server}, ${cli.concurrency} at a time, clones in ${cli.workDir}`);
  const repositories = [...started.repos.values()].map(({ name, pushes }) => ({ name, pushes }));
  await declare(opts, probed.capabilities, repositories, stop.signal);
  // The served repositories' files, for the CEO's drafts: now, every 10 minutes, after merges.
  const snapshots = createSnapshotReporter({ ...opts, repos: started.repos });
  const reporter = async () => {
    while (!stop.signal.aborted) {
      await snapshots.reportAll();
      await sleep(SNAPSHOT_EVERY_MS, stop.signal);
    }
  };

  const worker = async () => {
    while (!stop.signal.aborted) {
      try {
        // Short of disk: no claim until there is room again.
        const { disk, enough } = await opts.disk.check();
        if (!enough) {
          await sleep(DISK_RECHECK_MS, stop.signal);
          continue;
        }
        // The claim is not aborted on Ctrl-C: HQ may hand over a task just as we hang up.
        // Polls are short instead, and a task that arrives while stopping goes straight back.
        const claim = await opts.client.claim(CLAIM_WAIT_SECONDS, disk);
        if (!claim) continue;
        progress.counts.claimed++;
        if (stop.signal.aborted) {
          await opts.client.release(claim.task.id, 'runner stopped');
          progress.counts.released++;
          break;
        }
        await runTask(opts, claim, stop.signal);
      } catch (error) {
        if (stop.signal.aborted) break;
        progress.info(`error: ${(error as Error).message}`);
        // HQ refused or was unreachable: back off a little instead of spinning.
        await sleep(error instanceof HqError && error.status === 401 ? 10_000 : 2_000, stop.signal);
      }
    }
  };
  /** Runs `once` over and over, --merge-poll seconds apart, until the runner stops. */
  const every = (label: string, once: () => Promise<void>) => async () => {
    while (!stop.signal.aborted) {
      await once().catch((error: Error) => progress.info(`${label}: ${error.message}`));
      await sleep(cli.mergePollSeconds * 1000, stop.signal);
    }
  };
  const merger = every('merge', createMerger({ ...opts, afterMerge: snapshots.reportOne }));
  // The reviewer agent's first passes and planning agents' runs (worker/planning): one of
  // each at a time, polled as often as approvals.
  const reviewer = every('review', createReviewer({ ...opts, repos: started.repos }, stop.signal));
  const planner = every('planning', createPlanner({ ...opts, repos: started.repos }, stop.signal));
  await Promise.all([
    ...Array.from({ length: cli.concurrency }, worker),
    merger(),
    reviewer(),
    planner(),
    reporter(),
  ]);
  progress.summary();
  return 0;
}

/**
 * Tells HQ what this runner can run and which repositories it serves before claiming
 * anything, so it is handed only tasks it can run. HQ not up yet: tried again every 2 s. HQ
 * refusing the list: said, and the runner goes on (HQ then hands it what it already knew).
 */
async function declare(
  opts: RunnerOptions,
  capabilities: Capability[],
  repositories: RunnerRepository[],
  signal: AbortSignal,
) {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      await opts.client.capabilities(capabilities, repositories);
      return;
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof HqError && error.status >= 400 && error.status < 500) {
        opts.progress.info(
          `HQ refused this runner's capabilities and repositories (${message}): it may be handed nothing`,
        );
        return;
      }
      if (attempt === 0)
        opts.progress.info(`telling HQ what this runner can run: ${message}; retrying`);
      await sleep(2_000, signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // The listener goes with the timer: loops that sleep every few seconds add none up.
    const wake = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', wake);
      resolve();
    }, ms);
    signal.addEventListener('abort', wake, { once: true });
  });
}
