import type { AgentUser } from './agent-user';
import { type Claim, type HqClient, HqError } from './api';
import { BudgetGuard } from './budget';
import type { Clones, ServedRepo } from './clones/clones';
import { openWorkspace, type Workspace } from './clones/workspace';
import type { DiskGate } from './disk';
import { childEnv, taskPrompt } from './env';
import { runExecutor, spendAs, sum } from './executors/run';
import { pushTaskBranch } from './git/merge';
import { claimProblem } from './git/refs';
import { roundHunks } from './git/round-hunks';
import { openRunLog } from './logs/run-log';
import type { CliOptions } from './options';
import { sendPatch } from './patch-upload';
import type { Progress } from './progress';
import { recordRun } from './record';

export interface RunnerOptions {
  client: HqClient;
  progress: Progress;
  clones: Clones;
  repos: Map<string, ServedRepo>;
  agentUser: AgentUser | null;
  disk: DiskGate;
  executor: CliOptions['executor'];
  command: string;
  openai: CliOptions['openai'];
  declaredEnv: string[];
  heartbeatSeconds: number;
}

/**
 * Runs one claimed task: its own clone, the executor, steady heartbeats, then the recorded
 * result (runner/record.ts) and the report. A stop request (`signal`) gives the task back to
 * HQ instead. A run that passes its budget is stopped where it stands and reported as failed
 * for `budget`. The clone is gone afterwards, however the run ended.
 */
export async function runTask(
  opts: RunnerOptions,
  claim: Claim,
  signal: AbortSignal,
): Promise<void> {
  const { client, progress } = opts;
  const { task } = claim;
  const repo = opts.repos.get(claim.mission.repository);
  const refused =
    (await claimProblem(claim)) ??
    (repo ? null : `this runner does not serve repository ${claim.mission.repository}`);
  if (refused || !repo) {
    await giveBack(opts, claim, `refused: ${refused}`);
    return;
  }
  const started = Date.now();
  let phase = 'cloning';
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
        disk: await opts.disk.state(),
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
  let workspace: Workspace | undefined;
  try {
    try {
      workspace = await openWorkspace(opts.clones, repo, task, opts.agentUser);
    } catch (error) {
      await log.close();
      await giveBack(opts, claim, `refused: ${(error as Error).message}`);
      return;
    }
    if (workspace.note) {
      progress.info(`${task.id.slice(0, 8)} ${workspace.note}`);
      log.write(`runner: ${workspace.note}\n`);
    }
    phase = 'running';
    progress.task(task.id, task.title, phase, started);
    await beat();
    const env = childEnv(claim, workspace.dir, opts.declaredEnv, process.env, workspace.agentHome);
    const { result, provider, model } = await runExecutor(
      claim,
      opts,
      {
        cwd: workspace.dir,
        env,
        prompt: taskPrompt(claim),
        signal: AbortSignal.any([signal, lost.signal, budget.signal]),
        user: opts.agentUser,
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
    phase = 'recording';
    // Recorded before the log closes, so what the runner had to say about it is in the log.
    let recordFailed = '';
    const recorded =
      lost.signal.aborted || signal.aborted || result.interrupted
        ? null
        : await recordRun({
            repo,
            clone: workspace.dir,
            taskId: task.id,
            branch: task.branch,
            baseBranch: task.baseBranch,
            start: workspace.start,
            title: task.title,
            agentUser: opts.agentUser,
          }).catch((error: Error) => {
            recordFailed = `recording the run's result failed: ${error.message}`;
            log.write(`runner: ${recordFailed}\n`);
            return null;
          });
    for (const note of recorded?.notes ?? []) {
      progress.info(`${task.id.slice(0, 8)} ${note}`);
      log.write(`runner: ${note}\n`);
    }
    // The patch, while the task is still RUNNING here (HQ takes it only then); in the log.
    if (recorded && !lost.signal.aborted && !signal.aborted && !result.interrupted) {
      const failed = await sendPatch({
        client,
        taskId: task.id,
        repo: repo.path,
        base: `refs/heads/${task.baseBranch}`,
        head: recorded.headCommit,
        mask: (text) => log.mask(text),
      });
      if (failed) {
        progress.info(`${task.id.slice(0, 8)} ${failed.trim()}`);
        log.write(failed);
      }
    }
    // The whole log reaches HQ before the task leaves RUNNING (then HQ takes no more of it).
    await log.close();
    // One last beat, so the task's last line is the run's last line.
    if (!lost.signal.aborted) await beat();
    if (lost.signal.aborted && !signal.aborted) {
      progress.task(task.id, task.title, 'taken back by HQ', started);
      return;
    }
    // Ctrl-C reaches the agent too (same process group); give the runner's handler a moment.
    if (result.interrupted && !signal.aborted)
      await new Promise((resolve) => setTimeout(resolve, 500));
    if (signal.aborted || result.interrupted || !recorded) {
      if (recordFailed) await giveBack(opts, claim, recordFailed);
      else {
        await client.release(task.id, 'runner stopped');
        progress.counts.released++;
      }
      return;
    }
    phase = 'reporting';
    const pushed = repo.pushes ? await push(opts, repo, task.branch, recorded.headCommit) : false;
    // What this round changed of the last one: HQ marks the review comments it carried
    // touched or not. Unknown (null) rather than a failed report when git cannot tell; left
    // out when the run carried none (and so for an HQ that sends none, which would refuse it).
    const hunks = task.inlineComments?.length
      ? await roundHunks(repo.path, task.headCommit, recorded.headCommit).catch(() => null)
      : undefined;
    // Stopped for its budget: a failure, with what it used until then (the CLI is gone).
    if (overBudget) progress.info(`${task.id.slice(0, 8)} stopped: ${overBudget}`);
    const answer = await client.report(task.id, {
      outcome: result.ok && !overBudget ? 'success' : 'failure',
      headCommit: recorded.headCommit,
      pushed,
      commits: recorded.commits,
      numstat: recorded.numstat,
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
      costUsd: result.costUsd,
      provider,
      model,
      ...(hunks !== undefined && { roundHunks: hunks }),
      ...(overBudget
        ? { error: overBudget, reason: 'budget' as const }
        : result.error
          ? { error: `${log.mask(result.error)}\n${log.tail.slice(-1000)}` }
          : {}),
    });
    const inReview = answer?.status === 'REVIEW';
    progress.task(
      task.id,
      task.title,
      inReview ? 'in review' : 'failed',
      started,
      sum(result.inputTokens, result.outputTokens),
    );
    if (inReview) progress.counts.reviewed++;
    else progress.counts.failed++;
  } finally {
    clearInterval(timer);
    // Nothing is kept between rounds but the runner's own ref (runner/record.ts); also what a
    // clone that failed half-way left.
    await opts.clones
      .remove(repo.name, task.id)
      .catch((error: Error) => progress.info(`removing the clone: ${error.message}`));
  }
}

/** The task goes back to HQ unrun, with the reason on its event. */
async function giveBack(opts: RunnerOptions, claim: Claim, reason: string): Promise<void> {
  opts.progress.info(`${claim.task.id.slice(0, 8)} given back: ${reason}`);
  await opts.client.release(claim.task.id, reason);
  opts.progress.counts.released++;
}

/** Pushes the recorded head as `hq/<task id>`; a failed push is said, and reported unpushed. */
async function push(opts: RunnerOptions, repo: ServedRepo, branch: string, head: string) {
  try {
    await pushTaskBranch(repo.path, 'origin', branch, head);
    return true;
  } catch (error) {
    opts.progress.info(`push of ${branch} to origin failed: ${(error as Error).message}`);
    return false;
  }
}
