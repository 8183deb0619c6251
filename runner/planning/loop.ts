import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  leaseWhileSupported,
  type PassOptions,
  runAgentPass,
  withExecutorFailure,
} from '../agent-pass';
import { type HqClient, HqError } from '../api';
import type { ServedRepo } from '../clones/clones';
import { inheritedEnv } from '../env';
import { git } from '../git/exec';
import type { Masker } from '../logs/mask';
import type { Progress } from '../progress';
import { PROPOSALS_FILE, type Proposal, readProposals } from './output';
import { planningPrompt } from './prompt';
import type { PlanningClaim, PlanningReport } from './wire';

// A planning agent's run, beside the merger and the reviewer: one at a time, leased from HQ
// when a planning routine fired and something changed. The agent reads a throwaway checkout
// of the repository's target branch and writes proposals.json beside it; the runner posts
// each proposal to HQ (which folds repeats of open missions into them) and reports the spend.
// No file: the run fails and says so. Nothing of the folder is kept.

export interface PlanningOptions extends PassOptions {
  client: HqClient;
  progress: Progress;
  repos: Map<string, ServedRepo>;
}

/** One pass: lease a planning run if there is one, run it, report. */
export function createPlanner(opts: PlanningOptions, signal: AbortSignal): () => Promise<void> {
  const lease = leaseWhileSupported(
    () => opts.client.planningClaim(),
    () => opts.progress.info('this HQ has no planning runs: the runner plans nothing'),
  );
  return async () => {
    const claim = await lease();
    if (!claim) return;
    const { job } = claim;
    const repo = opts.repos.get(job.repository);
    if (signal.aborted || !repo) {
      const why = repo
        ? 'runner stopped'
        : `this runner does not serve repository ${job.repository}`;
      await opts.client.planningRelease(job.id, why);
      return;
    }
    opts.progress.info(`planning ${job.repository} as ${claim.agent.slug}`);
    const report = await runPlanning(opts, repo, claim, signal);
    if (!report) {
      await opts.client.planningRelease(job.id, 'runner stopped');
      return;
    }
    const answer = await opts.client.planningReport(job.id, report);
    opts.progress.info(
      report.outcome === 'success'
        ? `planned ${job.repository}: ${answer?.proposed ?? 0} proposed, ${answer?.merged ?? 0} merged into open missions`
        : `planning ${job.repository} failed: ${report.error?.split('\n')[0]}`,
    );
  };
}

/**
 * `dir/repo`: a clone sharing the runner's objects, detached at the target branch's head,
 * with no remote; nothing in it points back at the runner's repository but the objects.
 */
async function checkOut(repo: ServedRepo, branch: string, dir: string): Promise<string | null> {
  const ref = `refs/heads/${branch}`;
  const head = await git(repo.path, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(
    () => null,
  );
  if (!head) return `branch ${branch} is not in this runner's clone of ${repo.name}`;
  await git(dir, ['clone', '--quiet', '--shared', '--no-checkout', '--', repo.path, 'repo']);
  const checkout = join(dir, 'repo');
  await git(checkout, ['remote', 'remove', 'origin']);
  await git(checkout, ['checkout', '--quiet', '--force', '--detach', head]);
  return null;
}

/** Runs the planning agent; null when the runner stopped it (the job goes back). */
async function runPlanning(
  opts: PlanningOptions,
  repo: ServedRepo,
  claim: PlanningClaim,
  signal: AbortSignal,
): Promise<PlanningReport | null> {
  const dir = await mkdtemp(join(tmpdir(), 'hq-planning-'));
  const out = join(dir, 'out');
  const file = join(out, PROPOSALS_FILE);
  try {
    await mkdir(out);
    const unusable = await checkOut(repo, claim.job.targetBranch, dir);
    if (unusable)
      return {
        outcome: 'failure',
        error: unusable,
        inputTokens: null,
        outputTokens: null,
        costUsd: null,
        provider: claim.agent.provider,
        model: claim.agent.model,
      };
    const checkout = join(dir, 'repo');
    const pass = await runAgentPass(
      opts,
      claim.agent,
      {
        cwd: checkout,
        env: planningEnv(claim, dir, checkout, file, opts.declaredEnv),
        prompt: planningPrompt(claim),
        timeoutSeconds: claim.timeoutSeconds,
        owned: [dir],
      },
      signal,
    );
    if (pass.stopped) return null;
    const { spend, masker } = pass;
    const failed = (error: string): PlanningReport => ({
      outcome: 'failure',
      error: masker.mask(error).slice(0, 10_000),
      ...spend,
    });
    if (pass.timedOut) return failed(`the planning agent ran past ${claim.timeoutSeconds} s`);
    const read = await readProposals(file);
    if ('problem' in read) return failed(withExecutorFailure(read.problem, pass.result));
    const refused = [...read.refused];
    for (const proposal of read.proposals) {
      const problem = await post(opts.client, claim, masked(proposal, masker));
      if (problem) refused.push(problem);
    }
    const error = masker.mask(refused.join('\n')).slice(0, 10_000);
    return { outcome: 'success', ...(error && { error }), ...spend };
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The proposal with the run's secrets masked: it goes to HQ, and on to the operator. */
function masked(p: Proposal, masker: Masker): Proposal {
  return {
    ...p,
    title: masker.mask(p.title),
    brief: masker.mask(p.brief),
    tasks: p.tasks.map((t) => ({ ...t, title: masker.mask(t.title), spec: masker.mask(t.spec) })),
  };
}

/** Posts one proposal as the run's agent; why HQ refused it, or null when it took it. */
async function post(client: HqClient, claim: PlanningClaim, proposal: Proposal) {
  try {
    await client.propose({
      ...proposal,
      repository: claim.job.repository,
      targetBranch: claim.job.targetBranch,
      agent: claim.agent.slug,
      planningJobId: claim.job.id,
    });
    return null;
  } catch (error) {
    if (!(error instanceof HqError) || error.status >= 500) throw error;
    return `proposal "${proposal.title.slice(0, 80)}" refused by HQ: ${error.message}`;
  }
}

/**
 * The planning agent's environment: the inherited four, the declared variables, and the
 * run's details. No runner token: it proposes through the file, the runner posts.
 */
function planningEnv(
  claim: PlanningClaim,
  dir: string,
  checkout: string,
  file: string,
  declared: string[],
) {
  return {
    ...inheritedEnv(declared),
    GIT_CEILING_DIRECTORIES: dir,
    HQ_PROPOSALS_FILE: file,
    HQ_PLANNING_JOB_ID: claim.job.id,
    HQ_REPOSITORY: claim.job.repository,
    HQ_TARGET_BRANCH: claim.job.targetBranch,
    HQ_CHECKOUT: checkout,
    HQ_AGENT_SLUG: claim.agent.slug,
    HQ_AGENT_MODEL: claim.agent.model,
    HQ_AGENT_PROVIDER: claim.agent.provider,
  };
}
