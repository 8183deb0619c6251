import type { Approved, HqClient } from './api';
import type { ServedRepo } from './clones/clones';
import { git } from './git/exec';
import { mergeReviewed } from './git/merge';
import { approvedProblem } from './git/refs';
import type { Progress } from './progress';

// Approved work, merged by the runner that holds it (or any runner that pushes, when the head
// was pushed): HQ leases each approved task to one runner for 120 s, the runner merges the
// head HQ recorded into the target branch and says how it went. A branch that moved after
// the report is not merged: HQ sends the task back to review.

export interface MergeOptions {
  client: HqClient;
  progress: Progress;
  repos: Map<string, ServedRepo>;
  /** Called once a merge landed, so HQ hears of the target branch's new files at once. */
  afterMerge?: (repo: ServedRepo) => Promise<void>;
}

/** One pass over the leased approvals; returns how it went per task, for the console. */
export function createMerger(opts: MergeOptions): () => Promise<void> {
  // A refusal is said once per task, not on every poll while HQ keeps leasing it.
  const refused = new Set<string>();
  return async () => {
    for (const approved of await opts.client.verdicts()) {
      const repo = opts.repos.get(approved.repository);
      const problem =
        (await approvedProblem(approved)) ??
        (repo ? null : `this runner does not serve repository ${approved.repository}`);
      if (problem || !repo) {
        if (!refused.has(approved.taskId))
          opts.progress.info(`not merging ${approved.taskId.slice(0, 8)}: ${problem}`);
        refused.add(approved.taskId);
        continue;
      }
      await mergeOne(opts, repo, approved);
    }
  };
}

async function mergeOne(opts: MergeOptions, repo: ServedRepo, approved: Approved): Promise<void> {
  const { client, progress } = opts;
  const id = approved.taskId.slice(0, 8);
  const outcome = await mergeReviewed({
    repo: repo.path,
    target: approved.baseBranch,
    taskBranch: approved.branch,
    headCommit: approved.headCommit,
    message: `Merge task ${approved.taskId} (${approved.branch}) into ${approved.baseBranch}`,
    ...(repo.pushes && { remote: 'origin' }),
  });
  if (outcome.result === 'merged') {
    await client.merged(approved.taskId, {
      result: 'merged',
      mergeCommit: outcome.mergeCommit,
      pushed: outcome.pushed,
    });
    progress.counts.merged++;
    progress.info(
      `merged ${id} into ${approved.baseBranch} as ${outcome.mergeCommit.slice(0, 10)}${outcome.pushed ? ', pushed' : ''}`,
    );
    // Only once HQ has taken the merge: a retry of a lost answer still finds the branch.
    await git(repo.path, [
      'update-ref',
      '-d',
      `refs/heads/${approved.branch}`,
      approved.headCommit,
    ]).catch(() => undefined);
    await opts.afterMerge?.(repo);
  } else if (outcome.result === 'conflict') {
    await client.merged(approved.taskId, { result: 'conflict', files: outcome.files });
    progress.counts.conflicts++;
    progress.info(`conflict merging ${id}: ${outcome.files.join(', ')}`);
  } else {
    await client.merged(approved.taskId, {
      result: 'moved',
      found: outcome.found,
      detail: outcome.detail,
    });
    progress.counts.moved++;
    progress.info(`not merging ${id}: ${outcome.detail}; HQ sends it back to review`);
  }
}
