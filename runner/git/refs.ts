import { tmpdir } from 'node:os';
import { git } from './exec';

// Names from HQ (task ids, branches, repositories) become folder names and git arguments.
// Each is checked here before it touches either: a value that could climb out of a folder
// (`..`), pass for an option (`-x`), or pick another revision (`@{1}`, `x~1`) is refused,
// and the runner gives the task back naming it instead of running it.

const TASK_ID = /^[A-Za-z0-9-]{1,64}$/;
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;
const COMMIT = /^[0-9a-f]{40}$/;
// Space, `~^:?*[\` and control characters (DEL included) are never part of a branch name.
const BRANCH_FORBIDDEN = /[\s~^:?*[\\\p{Cc}]/u;

/** JSON-quoted, so a reason shows control characters and spaces as they are. */
const quoted = (value: unknown) => JSON.stringify(value);

export function taskIdProblem(id: string): string | null {
  return TASK_ID.test(id) ? null : `task id ${quoted(id)} is not 1 to 64 letters, digits or -`;
}

/** The branch HQ hands out must be `hq/<task id>` exactly. */
export function taskBranchProblem(taskId: string, branch: string): string | null {
  return branch === `hq/${taskId}`
    ? null
    : `task branch ${quoted(branch)} is not ${quoted(`hq/${taskId}`)}`;
}

export function repositoryNameProblem(name: string): string | null {
  const bad =
    !REPOSITORY.test(name) || name.endsWith('/') || name.split('/').some((s) => s === '..');
  return bad
    ? `repository name ${quoted(name)} is not letters, digits and ._/- (starting with a letter or digit, no .. segment, no trailing /)`
    : null;
}

export function commitProblem(commit: string): string | null {
  return COMMIT.test(commit) ? null : `commit ${quoted(commit)} is not 40 lowercase hex digits`;
}

/** The rules the runner is sure of first, then git's own (`check-ref-format --branch`). */
export async function branchNameProblem(what: string, name: string): Promise<string | null> {
  const bad =
    !name ||
    name.startsWith('-') ||
    name.includes('..') ||
    name.includes('@{') ||
    BRANCH_FORBIDDEN.test(name) ||
    name.endsWith('.lock') ||
    name.endsWith('/');
  if (bad) return `${what} ${quoted(name)} is not a usable branch name`;
  try {
    // Run outside any repository: the check needs none.
    await git(tmpdir(), ['check-ref-format', '--branch', name]);
    return null;
  } catch {
    return `${what} ${quoted(name)} is not a branch name git accepts`;
  }
}

/** The first problem with what a claim names, or null when all of it may be used. */
export async function claimProblem(claim: {
  task: { id: string; branch: string; baseBranch: string; headCommit?: string | null };
  mission: { repository: string };
}): Promise<string | null> {
  const { task } = claim;
  return (
    taskIdProblem(task.id) ??
    taskBranchProblem(task.id, task.branch) ??
    repositoryNameProblem(claim.mission.repository) ??
    (task.headCommit ? commitProblem(task.headCommit) : null) ??
    (await branchNameProblem('base branch', task.baseBranch))
  );
}

/** The same for an approved task handed over for merging. */
export async function approvedProblem(approved: {
  taskId: string;
  branch: string;
  baseBranch: string;
  repository: string;
  headCommit: string;
}): Promise<string | null> {
  return (
    taskIdProblem(approved.taskId) ??
    taskBranchProblem(approved.taskId, approved.branch) ??
    repositoryNameProblem(approved.repository) ??
    commitProblem(approved.headCommit) ??
    (await branchNameProblem('target branch', approved.baseBranch))
  );
}
