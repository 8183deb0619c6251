import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from './git/exec';

/**
 * Task worktrees live under the repository's .git folder (`.git/hq-worktrees/<task>`): the
 * runner owns that folder, and nothing there shows up in anyone's `git status`.
 */
export class Worktrees {
  readonly root: string;

  constructor(readonly repo: string) {
    this.root = join(repo, '.git', 'hq-worktrees');
  }

  /** Removes what a crashed run left behind: stale worktree folders and git's records of them. */
  async prune(): Promise<string[]> {
    await mkdir(this.root, { recursive: true });
    const leftovers = await readdir(this.root);
    for (const name of leftovers) await rm(join(this.root, name), { recursive: true, force: true });
    await git(this.repo, ['worktree', 'prune']);
    return leftovers;
  }

  /** A fresh branch `hq/<task>` from `base`, checked out in its own worktree. */
  async create(taskId: string, branch: string, base: string): Promise<string> {
    const dir = join(this.root, taskId);
    await rm(dir, { recursive: true, force: true });
    await git(this.repo, ['worktree', 'prune']);
    await git(this.repo, ['worktree', 'add', '--force', '-B', branch, dir, base]);
    return dir;
  }

  /** Removes a task's worktree (its branch stays until it is merged or dropped). */
  async remove(taskId: string): Promise<void> {
    const dir = join(this.root, taskId);
    await git(this.repo, ['worktree', 'remove', '--force', dir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await git(this.repo, ['worktree', 'prune']);
  }
}
