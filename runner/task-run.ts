import { type Claim, type HqClient, HqError } from './api';
import { BudgetGuard } from './budget';
import { childEnv, taskPrompt } from './env';
import { runExecutor, spendAs, sum } from './executors/run';
import { git } from './git/exec';
import { commitsSince, mergeWithoutCheckout, numstat } from './git/history';
import { openRunLog } from './logs/run-log';
import type { CliOptions } from './options';
import type { Progress } from './progress';
import type { Worktrees } from './worktrees';

export interface RunnerOptions {
  client: HqClient;
  worktrees: Worktrees;
  progress: Progress;
  executor: CliOptions['executor'];
  command: string;
  openai: CliOptions['openai'];
  declaredEnv: string[];
  heartbeatSeconds: number;
}

/**
 * Runs one claimed task: worktree, executor, steady heartbeats, then the report (commits and
 * numstat against the base). A stop request (`signal`) gives the task back to HQ instead. A
 * run that passes its budget is stopped where it stands and reported as failed for `budget`.
 */
export async function runTask(
  opts: RunnerOptions,
  claim: Claim,
  signal: AbortSignal,
): Promise<void> {
  const { client, worktrees, progress } = opts;
  const { task } = claim;
  const started = Date.now();
  let phase = 'worktree';
  let tokens: number | null = null;
  // HQ answers 409 when the task is no longer ours (cancelled, or requeued after silence):
  // stop the agent and let go instead of reporting work nobody waits for.
  const lost = new AbortController();
  // The agent's output, masked (declared variables, MCP secrets, the API key), on its way to
  // HQ while it works (runner/logs/).
  const log = openRunLog(client, claim, opts.declaredEnv, [opts.openai.apiKey], {
    onLost: () => lost.abort(),
    onRefused: (message) => progress.info(`log: ${message}`),
  });
  // Each beat carries the run's use so far; the answer says what is left of its budgets.
  const budget = new BudgetGuard();
  const spend = spendAs(claim, opts);
  const beat = async () => {
    const sent = budget.snapshot();
    try {
      const answer = await client.heartbeat(task.id, {
        phase,
        logTail: log.tail,
        ...(log.lastLine && { lastLine: log.lastLine }),
        usage: { ...sent, ...spend },
      });
      budget.answered(sent, answer);
    } catch (error) {
      if (error instanceof HqError && error.status === 409) lost.abort();
    }
  };
  const timer = setInterval(() => {
    void beat();
    progress.task(task.id, task.title, phase, started, tokens);
  }, opts.heartbeatSeconds * 1000);
  let dir = '';
  try {
    dir = await worktrees.create(task.id, task.branch, task.baseBranch);
    phase = 'running';
    progress.task(task.id, task.title, phase, started);
    await beat();
    const env = childEnv(claim, dir, opts.declaredEnv);
    const { result, provider, model } = await runExecutor(
      claim,
      opts,
      {
        cwd: dir,
        env,
        prompt: taskPrompt(claim),
        signal: AbortSignal.any([signal, lost.signal, budget.signal]),
      },
      ({ added, usage }) => {
        tokens = sum(usage.inputTokens, usage.outputTokens);
        log.write(added);
        budget.progress(usage);
      },
    );
    // Stopped for its budget while it ran (a stop said by the last beat below, after the agent
    // finished, does not undo finished work).
    const overBudget = budget.reason;
    // The whole log reaches HQ before the task leaves RUNNING (then HQ takes no more of it).
    await log.close();
    // One last beat, so the task's last line is the run's last line.
    if (!lost.signal.aborted) await beat();
    if (lost.signal.aborted && !signal.aborted) {
      progress.task(task.id, task.title, 'taken back by HQ', started);
      await worktrees.remove(task.id);
      return;
    }
    // Ctrl-C reaches the agent too (same process group); give the runner's handler a moment.
    if (result.interrupted && !signal.aborted)
      await new Promise((resolve) => setTimeout(resolve, 500));
    if (signal.aborted || result.interrupted) {
      await client.release(task.id, 'runner stopped');
      progress.counts.released++;
      await worktrees.remove(task.id);
      return;
    }
    phase = 'reporting';
    await commitLeftovers(dir, task.title);
    // Stopped for its budget: a failure, with what it used until then (the CLI is gone).
    if (overBudget) progress.info(`${task.id.slice(0, 8)} stopped: ${overBudget}`);
    const report = {
      outcome: result.ok && !overBudget ? ('success' as const) : ('failure' as const),
      commits: await commitsSince(dir, task.baseBranch),
      numstat: await numstat(dir, task.baseBranch),
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
      costUsd: result.costUsd,
      provider,
      model,
      ...(overBudget
        ? { error: overBudget, reason: 'budget' as const }
        : result.error
          ? { error: `${log.mask(result.error)}\n${log.tail.slice(-1000)}` }
          : {}),
    };
    const answer = await client.report(task.id, report);
    progress.task(
      task.id,
      task.title,
      answer?.status === 'REVIEW' ? 'in review' : 'failed',
      started,
      sum(result.inputTokens, result.outputTokens),
    );
    if (answer?.status === 'REVIEW') progress.counts.reviewed++;
    else {
      progress.counts.failed++;
      await worktrees.remove(task.id);
    }
  } finally {
    clearInterval(timer);
  }
}

/** Work the agent left uncommitted is committed for it, so the report tells the whole truth. */
async function commitLeftovers(dir: string, title: string): Promise<void> {
  if (!(await git(dir, ['status', '--porcelain']))) return;
  await git(dir, ['add', '-A']);
  await git(dir, [
    '-c',
    'user.name=HQ runner',
    '-c',
    'user.email=runner@hq.local',
    'commit',
    '-m',
    `hq: ${title} (uncommitted work)`,
  ]);
}

/** Merges every approved task into its target branch and confirms; a conflict goes back to the agent. */
export async function mergeApproved(opts: RunnerOptions): Promise<void> {
  for (const approved of await opts.client.verdicts()) {
    const result = await mergeWithoutCheckout(
      opts.worktrees.repo,
      approved.baseBranch,
      approved.branch,
      `Merge task ${approved.taskId} (${approved.branch}) into ${approved.baseBranch}`,
    );
    if (result.merged) {
      await opts.client.merged(approved.taskId, { result: 'merged', mergeCommit: result.commit });
      opts.progress.counts.merged++;
      opts.progress.info(
        `merged ${approved.taskId.slice(0, 8)} into ${approved.baseBranch} as ${result.commit.slice(0, 10)}`,
      );
      await opts.worktrees.remove(approved.taskId);
      await git(opts.worktrees.repo, ['branch', '-D', approved.branch]).catch(() => undefined);
    } else {
      await opts.client.merged(approved.taskId, { result: 'conflict', files: result.files });
      opts.progress.counts.conflicts++;
      opts.progress.info(
        `conflict merging ${approved.taskId.slice(0, 8)}: ${result.files.join(', ')}`,
      );
      await opts.worktrees.remove(approved.taskId);
    }
  }
}
