import { git } from './exec';

export type MergeOutcome =
  | { result: 'merged'; mergeCommit: string; pushed: boolean }
  | { result: 'conflict'; files: string[] }
  | { result: 'moved'; found: string | null; detail: string };

/** Where a task's branch stands in the runner's repository. */
export interface TaskHead {
  /** The commit's objects are in the repository: it can be merged, or a new round can start from it. */
  present: boolean;
  /** Where the task branch points (locally, or on the remote when asked there); null: it is gone. */
  found: string | null;
}

/** How often a merge is redone on a target that moved under it before the runner gives up. */
const ATTEMPTS = 5;

/** The merge commit is the runner's, whatever identity (or none) the repository has configured. */
const IDENTITY = ['-c', 'user.name=HQ runner', '-c', 'user.email=runner@hq.local'];

const short = (commit: string) => commit.slice(0, 7);

/** HQ validates it too, but a value that is not a commit id must never reach git's arguments. */
function assertCommitId(commit: string): void {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error('headCommit must be 40 lowercase hex digits');
}

/** Where `ref` points, or null when it does not exist. */
async function readRef(repo: string, ref: string): Promise<string | null> {
  const out = await git(repo, ['rev-parse', '--verify', '--quiet', ref]).catch(() => '');
  return out || null;
}

async function hasCommit(repo: string, commit: string): Promise<boolean> {
  return git(repo, ['cat-file', '-e', `${commit}^{commit}`]).then(
    () => true,
    () => false,
  );
}

/** git's own message of a failed command, with any credentials in a URL blanked out. */
function gitMessage(error: unknown): string {
  const failure = error as { stderr?: string; message?: string };
  const text = (failure.stderr || failure.message || String(error)).trim();
  return text.replace(/\/\/[^/\s@]+@/g, '//***@');
}

/** Fetches a branch of `remote` into a private ref; returns the commit, or null if there is none. */
async function fetchBranch(
  repo: string,
  remote: string,
  branch: string,
  into: string,
): Promise<string | null> {
  try {
    // ls-remote answers "no such branch" with an empty list instead of a message to parse.
    const listed = await git(repo, ['ls-remote', '--', remote, `refs/heads/${branch}`]);
    if (!listed.split('\n').some((line) => line.endsWith(`\trefs/heads/${branch}`))) return null;
    await git(repo, [
      'fetch',
      '--no-tags',
      '--no-write-fetch-head',
      '--',
      remote,
      `+refs/heads/${branch}:${into}`,
    ]);
  } catch (error) {
    throw new Error(`git fetch of ${branch} from ${remote} failed: ${gitMessage(error)}`);
  }
  return readRef(repo, into);
}

/**
 * Makes sure `headCommit` is in `repo`: already there, or fetched from the remote's task branch
 * into `refs/hq-fetched/<taskBranch>` (never into refs/heads, which the runner's own rounds use).
 * The local branch counts when it points at `headCommit`; otherwise, with a remote, the remote's
 * branch decides: the local one may be left over from a round another runner continued.
 */
export async function fetchTaskHead(input: {
  repo: string;
  taskBranch: string;
  headCommit: string;
  remote?: string;
}): Promise<TaskHead> {
  const { repo, taskBranch, headCommit, remote } = input;
  assertCommitId(headCommit);
  const local = await readRef(repo, `refs/heads/${taskBranch}`);
  const localUsable = local !== null && (await hasCommit(repo, local));
  if (!remote || (localUsable && local === headCommit)) {
    return { present: await hasCommit(repo, headCommit), found: local };
  }
  const fetched = await fetchBranch(repo, remote, taskBranch, `refs/hq-fetched/${taskBranch}`);
  // A branch the remote lacks may still be here (its push failed): say where it points then.
  const found = fetched ?? (localUsable ? local : null);
  return { present: await hasCommit(repo, headCommit), found };
}

/**
 * Pushes the task branch (force: it is the task's own) so any runner serving the repository can
 * continue or merge it.
 */
export async function pushTaskBranch(
  repo: string,
  remote: string,
  taskBranch: string,
  headCommit: string,
): Promise<void> {
  assertCommitId(headCommit);
  await git(repo, [
    'push',
    '--porcelain',
    '--',
    remote,
    `+${headCommit}:refs/heads/${taskBranch}`,
  ]).catch((error) => {
    throw new Error(`git push of ${taskBranch} to ${remote} failed: ${gitMessage(error)}`);
  });
}

/** The merge commit of `tip` and `headCommit`, made without a checkout, or the conflicting paths. */
async function mergeCommit(
  repo: string,
  tip: string,
  headCommit: string,
  message: string,
): Promise<{ commit: string } | { files: string[] }> {
  let tree: string;
  try {
    const out = await git(repo, [
      'merge-tree',
      '--write-tree',
      '--name-only',
      '--no-messages',
      '-z',
      tip,
      headCommit,
    ]);
    tree = out.split('\0')[0] ?? '';
  } catch (error) {
    // Exit 1 is a conflict: the tree, then each conflicting path, every one ended by NUL.
    const failure = error as { code?: number; stdout?: string };
    if (failure.code !== 1 || !failure.stdout) throw error;
    const [, ...paths] = failure.stdout.split('\0');
    return { files: [...new Set(paths.filter(Boolean))] };
  }
  const commit = await git(repo, [
    ...IDENTITY,
    'commit-tree',
    '--no-gpg-sign',
    tree,
    '-p',
    tip,
    '-p',
    headCommit,
    '-m',
    message,
  ]);
  return { commit };
}

/** Moves the target of a runner without a remote: compare-and-swap, redone on a target that moved. */
async function mergeLocally(repo: string, target: string, headCommit: string, message: string) {
  const ref = `refs/heads/${target}`;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const tip = await readRef(repo, ref);
    if (!tip) throw new Error(`target branch ${target} does not exist`);
    const merged = await mergeCommit(repo, tip, headCommit, message);
    if ('files' in merged) return { result: 'conflict' as const, files: merged.files };
    try {
      await git(repo, ['update-ref', ref, merged.commit, tip]);
      return { result: 'merged' as const, mergeCommit: merged.commit, pushed: false };
    } catch (error) {
      // Only a target that moved meanwhile is worth another try; anything else is a real failure.
      if ((await readRef(repo, ref)) === tip) throw error;
    }
  }
  throw new Error(`target branch ${target} kept moving; gave up after ${ATTEMPTS} attempts`);
}

/** The local target follows the pushed one when it can fast-forward (it never loses local commits). */
async function followPushedTarget(repo: string, target: string, merge: string): Promise<void> {
  const ref = `refs/heads/${target}`;
  const local = await readRef(repo, ref);
  if (local) {
    const behind = await git(repo, ['merge-base', '--is-ancestor', local, merge]).then(
      () => true,
      () => false,
    );
    if (behind) await git(repo, ['update-ref', ref, merge, local]).catch(() => undefined);
  } else {
    await git(repo, ['update-ref', ref, merge, '']).catch(() => undefined);
  }
}

/**
 * Merges onto the remote's target and pushes without force. git reports a push that lost a
 * race either as "rejected (fetch first)" (the remote moved before the push) or as "remote
 * rejected" (it moved during it), so the runner judges by whether the remote's tip actually
 * moved: if so it merges again on the new tip; if not, the push failed for another reason
 * (auth, network, a protected branch) and that is an error.
 */
async function mergeAndPush(
  repo: string,
  remote: string,
  target: string,
  headCommit: string,
  message: string,
) {
  const remoteTip = `refs/hq-remote/${target}`;
  let tip = await fetchBranch(repo, remote, target, remoteTip);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (!tip) throw new Error(`${remote} has no branch ${target}`);
    const merged = await mergeCommit(repo, tip, headCommit, message);
    if ('files' in merged) return { result: 'conflict' as const, files: merged.files };
    const refusal = await git(repo, [
      'push',
      '--porcelain',
      '--',
      remote,
      `${merged.commit}:refs/heads/${target}`,
    ]).then(
      () => null,
      (error: unknown) => gitMessage(error),
    );
    // A remote that cannot even be read now says nothing about a race: the push's refusal stands.
    const now =
      refusal === null
        ? merged.commit
        : await fetchBranch(repo, remote, target, remoteTip).catch(() => tip);
    // A push whose answer got lost still counts once the remote shows the merge.
    if (now === merged.commit) {
      await followPushedTarget(repo, target, merged.commit);
      return { result: 'merged' as const, mergeCommit: merged.commit, pushed: true };
    }
    if (now === tip) throw new Error(`git push of ${target} to ${remote} failed: ${refusal}`);
    tip = now;
  }
  throw new Error(`${remote}'s ${target} kept moving; gave up after ${ATTEMPTS} attempts`);
}

/** The task branch is done with: gone locally and, with a remote, there too (if still at the head). */
async function dropTaskBranch(
  repo: string,
  taskBranch: string,
  headCommit: string,
  remote?: string,
): Promise<void> {
  await git(repo, ['update-ref', '-d', `refs/heads/${taskBranch}`, headCommit]).catch(() => {});
  await git(repo, ['update-ref', '-d', `refs/hq-fetched/${taskBranch}`]).catch(() => {});
  if (!remote) return;
  await git(repo, [
    'push',
    '--porcelain',
    `--force-with-lease=refs/heads/${taskBranch}:${headCommit}`,
    '--',
    remote,
    `:refs/heads/${taskBranch}`,
  ]).catch(() => {});
}

/** Merges exactly the reviewed commit of a task into its target branch. */
export async function mergeReviewed(input: {
  repo: string;
  target: string;
  taskBranch: string;
  headCommit: string;
  message: string;
  remote?: string;
}): Promise<MergeOutcome> {
  const { repo, target, taskBranch, headCommit, message, remote } = input;
  const head = await fetchTaskHead({ repo, taskBranch, headCommit, remote });
  if (head.found !== headCommit) {
    const detail = head.found
      ? `${taskBranch} points to ${short(head.found)}, not the reported ${short(headCommit)}`
      : `${taskBranch} is gone (reported ${short(headCommit)})`;
    return { result: 'moved', found: head.found, detail };
  }
  if (!head.present) throw new Error(`commit ${short(headCommit)} is missing from the repository`);
  const outcome = remote
    ? await mergeAndPush(repo, remote, target, headCommit, message)
    : await mergeLocally(repo, target, headCommit, message);
  if (outcome.result === 'merged') await dropTaskBranch(repo, taskBranch, headCommit, remote);
  return outcome;
}
