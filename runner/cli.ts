import { type Capability, HqClient, HqError } from './api';
import { credentialWarnings, describeCapabilities, probeCapabilities } from './capabilities';
import { MIN_SECRET_LENGTH, unmaskable } from './logs/mask';
import { readOptions, UsageError } from './options';
import { Progress } from './progress';
import { mergeApproved, type RunnerOptions, runTask } from './task-run';
import { Worktrees } from './worktrees';

/** How long one claim waits for work before asking again (HQ allows up to 25 s). */
const CLAIM_WAIT_SECONDS = 5;

/** `npm run runner`: claims tasks from HQ and runs them in git worktrees until Ctrl-C. */
async function main(): Promise<number> {
  let cli: ReturnType<typeof readOptions>;
  try {
    cli = readOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message ? `${error.message}\n\n` : ''}${error.usage}`);
    return error.message ? 2 : 0;
  }
  const progress = new Progress();
  const worktrees = new Worktrees(cli.repo);
  const short = unmaskable(cli.env);
  if (short.length) {
    progress.info(
      `not masked in run logs (values under ${MIN_SECRET_LENGTH} characters): ${short.join(', ')}`,
    );
  }
  const pruned = await worktrees.prune();
  if (pruned.length) progress.info(`pruned ${pruned.length} worktree(s) left by an earlier run`);
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
    worktrees,
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
  progress.info(`runner on ${cli.repo} → ${cli.server}, ${cli.concurrency} at a time`);
  await declare(opts, probed.capabilities, stop.signal);

  const worker = async () => {
    while (!stop.signal.aborted) {
      try {
        // The claim is not aborted on Ctrl-C: HQ may hand over a task just as we hang up.
        // Polls are short instead, and a task that arrives while stopping goes straight back.
        const claim = await opts.client.claim(CLAIM_WAIT_SECONDS);
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
  const merger = async () => {
    while (!stop.signal.aborted) {
      await mergeApproved(opts).catch((error: Error) => progress.info(`merge: ${error.message}`));
      await sleep(cli.mergePollSeconds * 1000, stop.signal);
    }
  };
  await Promise.all([...Array.from({ length: cli.concurrency }, worker), merger()]);
  progress.summary();
  return 0;
}

/**
 * Tells HQ what this runner can run before claiming anything, so it is handed only tasks it
 * can run. HQ not up yet: tried again every 2 s. HQ refusing the list: said, and the runner
 * goes on with the agents that have no executor of their own.
 */
async function declare(opts: RunnerOptions, capabilities: Capability[], signal: AbortSignal) {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      await opts.client.capabilities(capabilities);
      return;
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof HqError && error.status >= 400 && error.status < 500) {
        opts.progress.info(
          `HQ refused this runner's capabilities (${message}): it gets only agents without an executor`,
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
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `runner failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
