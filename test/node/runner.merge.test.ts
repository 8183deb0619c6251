import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchTaskHead, mergeReviewed, pushTaskBranch } from '../../runner/git/merge';

const root = mkdtempSync(join(tmpdir(), 'hq-merge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let made = 0;
const freshPath = (name: string) => join(root, `${name}-${++made}`);

/** The tests' own git, as a person with an identity (the runner's merge brings its own). */
const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    'git',
    ['-c', 'user.name=Someone', '-c', 'user.email=someone@example.test', ...args],
    {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ).trim();
const refOrNull = (cwd: string, ref: string) => {
  try {
    return git(cwd, 'rev-parse', '--verify', '--quiet', ref);
  } catch {
    return null;
  }
};
const parents = (cwd: string, commit: string) =>
  git(cwd, 'log', '-1', '--format=%P', commit).split(' ');

/**
 * Commits `file` on `branch` (created from `from` when given) and returns the commit. The
 * checkout is left detached, so a target the runner moves with update-ref never leaves it dirty.
 */
function commitOn(repo: string, branch: string, file: string, text: string, from?: string) {
  git(repo, 'checkout', '-q', ...(from ? ['-b', branch, from] : [branch]));
  writeFileSync(join(repo, file), text);
  git(repo, 'add', file);
  git(repo, 'commit', '-qm', `${branch}: ${file}`);
  git(repo, 'checkout', '-q', '--detach');
  return git(repo, 'rev-parse', 'HEAD');
}

function runnerRepo() {
  const repo = freshPath('runner');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'shared.txt'), 'one\ntwo\nthree\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'initial');
  git(repo, 'checkout', '-q', '--detach');
  return repo;
}

/** A runner repository whose `origin` is a bare repository holding the same main. */
function runnerWithRemote() {
  const repo = runnerRepo();
  const bare = freshPath('bare');
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  git(repo, 'remote', 'add', 'origin', bare);
  git(repo, 'push', '-q', 'origin', 'main');
  return { repo, bare };
}

/** Someone else's commit on the remote's main, kept under refs/other/x until a hook lands it. */
function someoneElsesCommit(bare: string, file: string, text: string) {
  const clone = freshPath('someone');
  git(root, 'clone', '-q', bare, clone);
  const commit = commitOn(clone, 'main', file, text);
  git(clone, 'push', '-q', 'origin', `${commit}:refs/other/x`);
  return commit;
}

/** The first push to `bare` loses a race: someone else's commit lands on main, the push is refused. */
function raceFirstPush(bare: string, other: string) {
  const marker = join(bare, 'raced');
  const script = [
    '#!/bin/sh',
    `[ -e '${marker}' ] && exit 0`,
    `touch '${marker}'`,
    'unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES',
    `git update-ref refs/heads/main ${other}`,
    'exit 1',
  ];
  writeFileSync(join(bare, 'hooks', 'pre-receive'), `${script.join('\n')}\n`, { mode: 0o755 });
  return marker;
}

const merge = (repo: string, headCommit: string, remote?: string) =>
  mergeReviewed({
    repo,
    target: 'main',
    taskBranch: 'hq/t',
    headCommit,
    message: 'Merge task t',
    remote,
  });

describe('mergeReviewed on a runner without a remote', () => {
  it('refuses a branch that moved after the report, naming where it points now', async () => {
    const repo = runnerRepo();
    const reported = commitOn(repo, 'hq/t', 'task.txt', 'reviewed\n', 'main');
    const later = commitOn(repo, 'hq/t', 'task.txt', 'not reviewed\n');
    const before = git(repo, 'rev-parse', 'main');
    const outcome = await merge(repo, reported);
    expect(outcome).toMatchObject({ result: 'moved', found: later });
    expect(outcome.result === 'moved' && outcome.detail).toContain(reported.slice(0, 7));
    expect(git(repo, 'rev-parse', 'main')).toBe(before);
  });

  it('refuses a branch that is gone', async () => {
    const repo = runnerRepo();
    const reported = commitOn(repo, 'hq/t', 'task.txt', 'reviewed\n', 'main');
    git(repo, 'branch', '-D', 'hq/t');
    const before = git(repo, 'rev-parse', 'main');
    expect(await merge(repo, reported)).toMatchObject({ result: 'moved', found: null });
    expect(git(repo, 'rev-parse', 'main')).toBe(before);
  });

  it('merges the reviewed commit as the second parent and deletes the task branch', async () => {
    const repo = runnerRepo();
    const reported = commitOn(repo, 'hq/t', 'task.txt', 'reviewed\n', 'main');
    const tip = commitOn(repo, 'main', 'main.txt', 'meanwhile on main\n');
    const outcome = await merge(repo, reported);
    expect(outcome).toMatchObject({ result: 'merged', pushed: false });
    const mergeCommit = git(repo, 'rev-parse', 'main');
    expect(outcome.result === 'merged' && outcome.mergeCommit).toBe(mergeCommit);
    expect(parents(repo, mergeCommit)).toEqual([tip, reported]);
    expect(git(repo, 'show', 'main:task.txt')).toBe('reviewed');
    expect(git(repo, 'show', 'main:main.txt')).toBe('meanwhile on main');
    expect(git(repo, 'log', '-1', '--format=%an <%ae> %s', 'main')).toBe(
      'HQ runner <runner@hq.local> Merge task t',
    );
    expect(refOrNull(repo, 'refs/heads/hq/t')).toBeNull();
  });

  it('reports the conflicting files and leaves the target and the branch alone', async () => {
    const repo = runnerRepo();
    const reported = commitOn(repo, 'hq/t', 'shared.txt', 'one\nTWO on the task\nthree\n', 'main');
    const tip = commitOn(repo, 'main', 'shared.txt', 'one\nTWO on main\nthree\n');
    expect(await merge(repo, reported)).toEqual({ result: 'conflict', files: ['shared.txt'] });
    expect(git(repo, 'rev-parse', 'main')).toBe(tip);
    expect(git(repo, 'rev-parse', 'hq/t')).toBe(reported);
  });
});

describe('mergeReviewed on a runner that pushes', () => {
  it('pushes the merge, moves the local target, and deletes the task branch on both sides', async () => {
    const { repo, bare } = runnerWithRemote();
    const reported = commitOn(repo, 'hq/t', 'task.txt', 'reviewed\n', 'main');
    await pushTaskBranch(repo, 'origin', 'hq/t', reported);
    expect(git(bare, 'rev-parse', 'refs/heads/hq/t')).toBe(reported);
    const outcome = await merge(repo, reported, 'origin');
    const pushedMain = git(bare, 'rev-parse', 'refs/heads/main');
    expect(outcome).toEqual({ result: 'merged', mergeCommit: pushedMain, pushed: true });
    expect(parents(bare, pushedMain)[1]).toBe(reported);
    expect(git(repo, 'rev-parse', 'main')).toBe(pushedMain);
    expect(refOrNull(bare, 'refs/heads/hq/t')).toBeNull();
    expect(refOrNull(repo, 'refs/heads/hq/t')).toBeNull();
  });

  it('merges again on the new tip when someone else pushed meanwhile', async () => {
    const { repo, bare } = runnerWithRemote();
    const reported = commitOn(repo, 'hq/t', 'task.txt', 'reviewed\n', 'main');
    const other = someoneElsesCommit(bare, 'other.txt', 'from someone else\n');
    const marker = raceFirstPush(bare, other);
    const outcome = await merge(repo, reported, 'origin');
    expect(existsSync(marker)).toBe(true);
    const pushedMain = git(bare, 'rev-parse', 'refs/heads/main');
    expect(outcome).toEqual({ result: 'merged', mergeCommit: pushedMain, pushed: true });
    expect(parents(bare, pushedMain)).toEqual([other, reported]);
    expect(git(bare, 'show', 'main:other.txt')).toBe('from someone else');
    expect(git(bare, 'show', 'main:task.txt')).toBe('reviewed');
    expect(git(repo, 'rev-parse', 'main')).toBe(pushedMain);
  });

  it('reports a conflict with what someone else pushed meanwhile', async () => {
    const { repo, bare } = runnerWithRemote();
    const reported = commitOn(repo, 'hq/t', 'shared.txt', 'one\nTWO on the task\nthree\n', 'main');
    const other = someoneElsesCommit(bare, 'shared.txt', 'one\nTWO by someone else\nthree\n');
    const marker = raceFirstPush(bare, other);
    expect(await merge(repo, reported, 'origin')).toEqual({
      result: 'conflict',
      files: ['shared.txt'],
    });
    expect(existsSync(marker)).toBe(true);
    expect(git(bare, 'rev-parse', 'refs/heads/main')).toBe(other);
  });

  it('throws git’s message when the push is refused and the remote did not move', async () => {
    const { repo, bare } = runnerWithRemote();
    const reported = commitOn(repo, 'hq/t', 'task.txt', 'reviewed\n', 'main');
    const before = git(bare, 'rev-parse', 'refs/heads/main');
    const script = '#!/bin/sh\necho "main is protected" >&2\nexit 1\n';
    writeFileSync(join(bare, 'hooks', 'pre-receive'), script, { mode: 0o755 });
    await expect(merge(repo, reported, 'origin')).rejects.toThrow(/main is protected/);
    expect(git(bare, 'rev-parse', 'refs/heads/main')).toBe(before);
    expect(git(repo, 'rev-parse', 'hq/t')).toBe(reported);
  });

  it('trusts the remote over a stale local branch, and refuses a remote branch that moved', async () => {
    const { repo, bare } = runnerWithRemote();
    const firstRound = commitOn(repo, 'hq/t', 'task.txt', 'first round\n', 'main');
    // Another runner continued the task: the remote's branch is the new reported head.
    const clone = freshPath('other-runner');
    git(root, 'clone', '-q', bare, clone);
    git(repo, 'push', '-q', 'origin', `${firstRound}:refs/heads/hq/t`);
    git(clone, 'fetch', '-q', 'origin', 'hq/t:hq/t');
    const reported = commitOn(clone, 'hq/t', 'task.txt', 'second round\n');
    await pushTaskBranch(clone, 'origin', 'hq/t', reported);
    const moved = commitOn(clone, 'hq/t', 'task.txt', 'after the report\n');
    git(clone, 'push', '-q', 'origin', `+${moved}:refs/heads/hq/t`);
    const before = git(bare, 'rev-parse', 'refs/heads/main');
    expect(await merge(repo, reported, 'origin')).toMatchObject({ result: 'moved', found: moved });
    expect(git(bare, 'rev-parse', 'refs/heads/main')).toBe(before);

    await pushTaskBranch(clone, 'origin', 'hq/t', reported);
    expect(await merge(repo, reported, 'origin')).toMatchObject({ result: 'merged', pushed: true });
    expect(git(bare, 'show', 'main:task.txt')).toBe('second round');
  });

  it('lets a second runner fetch the pushed task head and merge it', async () => {
    const { repo, bare } = runnerWithRemote();
    const second = freshPath('second-runner');
    git(root, 'clone', '-q', '--single-branch', '-b', 'main', bare, second);
    const reported = commitOn(repo, 'hq/t', 'task.txt', 'reviewed\n', 'main');
    await pushTaskBranch(repo, 'origin', 'hq/t', reported);
    expect(refOrNull(second, `${reported}^{commit}`)).toBeNull();

    const input = { repo: second, taskBranch: 'hq/t', headCommit: reported, remote: 'origin' };
    expect(await fetchTaskHead(input)).toEqual({ present: true, found: reported });
    expect(refOrNull(second, 'refs/heads/hq/t')).toBeNull();
    expect(git(second, 'rev-parse', 'refs/hq-fetched/hq/t')).toBe(reported);

    const outcome = await merge(second, reported, 'origin');
    const pushedMain = git(bare, 'rev-parse', 'refs/heads/main');
    expect(outcome).toEqual({ result: 'merged', mergeCommit: pushedMain, pushed: true });
    expect(parents(bare, pushedMain)[1]).toBe(reported);
    expect(git(bare, 'show', 'main:task.txt')).toBe('reviewed');
    expect(refOrNull(bare, 'refs/heads/hq/t')).toBeNull();
  });
});
