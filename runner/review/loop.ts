import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { leaseWhileSupported, runAgentPass, withExecutorFailure } from '../agent-pass';
import type { AgentUser } from '../agent-user';
import type { HqClient, ReviewClaim, ReviewReport } from '../api';
import { inheritedEnv } from '../env';
import type { CliOptions } from '../options';
import type { Progress } from '../progress';
import { PATCH_FILE, REVIEW_FILE, readVerdict, reviewPrompt } from './prompt';

// The reviewer agent's first pass, beside the merger: one review at a time, leased from HQ,
// run with the reviewer's own executor (or the runner's default) in a fresh temporary folder
// that holds only the patch. The reviewer answers in review.json; no file, no verdict: the
// job fails and says so. Nothing of the folder is kept.

export interface ReviewOptions {
  client: HqClient;
  progress: Progress;
  agentUser: AgentUser | null;
  executor: CliOptions['executor'];
  command: string;
  openai: CliOptions['openai'];
  declaredEnv: string[];
  repos: Map<string, unknown>;
}

/** One pass: lease a job if there is one, run it, report. Resolves when done (or none). */
export function createReviewer(opts: ReviewOptions, signal: AbortSignal): () => Promise<void> {
  // An HQ from before review jobs answers 404: said once, and this runner reviews nothing.
  const lease = leaseWhileSupported(
    () => opts.client.reviewClaim(),
    () => opts.progress.info('this HQ has no review jobs: the runner runs no reviewer agent'),
  );
  return async () => {
    const claim = await lease();
    if (!claim) return;
    const id = claim.job.taskId.slice(0, 8);
    if (signal.aborted || !opts.repos.has(claim.mission.repository)) {
      const why = signal.aborted
        ? 'runner stopped'
        : `this runner does not serve repository ${claim.mission.repository}`;
      await opts.client.reviewRelease(claim.job.id, why);
      return;
    }
    opts.progress.info(`reviewing ${id} as ${claim.reviewer.slug}`);
    const report = await runReview(opts, claim, signal);
    if (!report) {
      await opts.client.reviewRelease(claim.job.id, 'runner stopped');
      return;
    }
    await opts.client.reviewReport(claim.job.id, report);
    opts.progress.info(
      `reviewed ${id}: ${report.verdict ?? `no verdict (${report.error?.split('\n')[0]})`}`,
    );
  };
}

/** Runs the reviewer on the job; null when the runner stopped it (the job goes back). */
async function runReview(
  opts: ReviewOptions,
  claim: ReviewClaim,
  signal: AbortSignal,
): Promise<ReviewReport | null> {
  const dir = await mkdtemp(join(tmpdir(), 'hq-review-'));
  const work = join(dir, 'review');
  try {
    await mkdir(work);
    await writeFile(join(work, PATCH_FILE), claim.patch.text);
    const file = join(work, REVIEW_FILE);
    const pass = await runAgentPass(
      opts,
      claim.reviewer,
      {
        cwd: work,
        env: reviewEnv(claim, work, file, opts.declaredEnv),
        prompt: reviewPrompt(claim),
        timeoutSeconds: claim.timeoutSeconds,
        owned: [dir],
      },
      signal,
    );
    if (pass.stopped) return null;
    const { spend, masker } = pass;
    const failed = (error: string): ReviewReport => ({
      outcome: 'failure',
      error: masker.mask(error).slice(0, 10_000),
      ...spend,
    });
    if (pass.timedOut) return failed(`the reviewer ran past ${claim.timeoutSeconds} s`);
    const verdict = await readVerdict(file);
    if ('problem' in verdict) return failed(withExecutorFailure(verdict.problem, pass.result));
    return {
      outcome: 'success',
      ...verdict,
      ...(verdict.summary !== undefined && { summary: masker.mask(verdict.summary) }),
      comments: (verdict.comments ?? []).map((c) => ({ ...c, body: masker.mask(c.body) })),
      ...spend,
    };
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * The reviewer's environment: the inherited four, the declared variables, and the review's
 * details. No task clone, no token: the patch in its folder is all it reads.
 */
function reviewEnv(claim: ReviewClaim, work: string, file: string, declared: string[]) {
  return {
    ...inheritedEnv(declared),
    GIT_CEILING_DIRECTORIES: dirname(work),
    HQ_REVIEW_FILE: file,
    HQ_REVIEW_PATCH: join(work, PATCH_FILE),
    HQ_REVIEW_JOB_ID: claim.job.id,
    HQ_TASK_ID: claim.job.taskId,
    HQ_TASK_TITLE: claim.task.title,
    HQ_TASK_SPEC: claim.task.spec,
    HQ_TASK_SCOPE: claim.task.expectedScope.join('\n'),
    HQ_TASK_HEAD: claim.job.headCommit,
    HQ_AGENT_SLUG: claim.reviewer.slug,
    HQ_AGENT_MODEL: claim.reviewer.model,
    HQ_AGENT_PROVIDER: claim.reviewer.provider,
  };
}
