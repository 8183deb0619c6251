import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitsSince, mergeWithoutCheckout, numstat } from '../../runner/git/history';
import { Worktrees } from '../../runner/worktrees';

const repo = mkdtempSync(join(tmpdir(), 'hq-git-'));
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd: repo,
    encoding: 'utf8',
  }).trim();
const commitFile = (branch: string, file: string, text: string) => {
  git('checkout', '-q', branch);
  writeFileSync(join(repo, file), text);
  git('add', file);
  git('commit', '-qm', `${branch}: ${file}`);
};
afterAll(() => rmSync(repo, { recursive: true, force: true }));

git('init', '-q', '-b', 'main');
writeFileSync(join(repo, 'shared.txt'), 'one\ntwo\nthree\n');
git('add', '.');
git('commit', '-qm', 'initial');

describe('runner git plumbing on a real repository', () => {
  it('reports commits and numstat of a branch against its base', async () => {
    git('branch', 'hq/a', 'main');
    commitFile('hq/a', 'new.txt', 'hello\n');
    expect(await commitsSince(repo, 'main', 'hq/a')).toHaveLength(1);
    expect(await numstat(repo, 'main', 'hq/a')).toEqual([
      { path: 'new.txt', added: 1, removed: 0 },
    ]);
  });

  it('merges without a checkout, with a merge commit naming the task', async () => {
    git('checkout', '-q', 'main');
    const result = await mergeWithoutCheckout(repo, 'main', 'hq/a', 'Merge task a');
    expect(result.merged).toBe(true);
    expect(git('log', '-1', '--format=%s %P', 'main')).toMatch(/^Merge task a \w+ \w+$/);
    expect(git('show', 'main:new.txt')).toBe('hello');
  });

  it('reports the conflicting files and leaves the target untouched', async () => {
    git('branch', 'hq/b', 'main');
    commitFile('main', 'shared.txt', 'one\nTWO on main\nthree\n');
    commitFile('hq/b', 'shared.txt', 'one\nTWO on branch\nthree\n');
    const before = git('rev-parse', 'main');
    expect(await mergeWithoutCheckout(repo, 'main', 'hq/b', 'Merge task b')).toEqual({
      merged: false,
      files: ['shared.txt'],
    });
    expect(git('rev-parse', 'main')).toBe(before);
  });

  it('prunes worktrees a crashed run left behind, and removes a finished one', async () => {
    git('checkout', '-q', 'main');
    const worktrees = new Worktrees(repo);
    const dir = await worktrees.create('t1', 'hq/t1', 'main');
    expect(existsSync(join(dir, 'shared.txt'))).toBe(true);
    mkdirSync(join(worktrees.root, 'crashed-leftover'));
    // A fresh runner starts: both the stale folder and git's record of t1 go.
    expect((await new Worktrees(repo).prune()).sort()).toEqual(['crashed-leftover', 't1']);
    expect(git('worktree', 'list')).not.toContain('t1');
    await worktrees.create('t2', 'hq/t2', 'main');
    await worktrees.remove('t2');
    expect(git('worktree', 'list')).not.toContain('t2');
    expect(existsSync(join(worktrees.root, 't2'))).toBe(false);
  });
});
