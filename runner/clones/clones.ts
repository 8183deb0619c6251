import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from '../git/exec';
import { taskIdProblem } from '../git/refs';

// Each run gets a clone of its own, outside the repository: `git clone --shared` borrows the
// repository's objects (through alternates) but has its own refs, config and hooks, so an
// agent that rewrites a ref, a hook or the config in its clone changes only its clone. The
// runner's repository is written only by the runner (runner/record.ts).
//
// Layout, per repository and task:
//   <work dir>/<repository folder>/<task id>        the clone
//   <work dir>/<repository folder>/<task id>.owner  the runner's pid: who may remove it
//   <work dir>/<repository folder>/<task id>.home   HOME of an agent run as another user

/** A repository this runner serves, checked at start (runner/start.ts). */
export interface ServedRepo {
  name: string;
  path: string;
  /** Its git folder (`.git`, or the repository itself when bare), absolute. */
  gitDir: string;
  pushes: boolean;
}

export interface ClonePaths {
  /** The clone's parent: agents get it as GIT_CEILING_DIRECTORIES. */
  parent: string;
  dir: string;
  owner: string;
  home: string;
}

/** A repository name as one folder name: `/` (the only character it has that a path has). */
export const repoFolder = (name: string) => name.replaceAll('/', '%2F');

export const OWNER_SUFFIX = '.owner';
export const HOME_SUFFIX = '.home';

export class Clones {
  constructor(readonly workDir: string) {}

  paths(repoName: string, taskId: string): ClonePaths {
    // Checked by the claim's validation already; again here, where it becomes a path.
    const problem = taskIdProblem(taskId);
    if (problem) throw new Error(problem);
    const parent = join(this.workDir, repoFolder(repoName));
    return {
      parent,
      dir: join(parent, taskId),
      owner: join(parent, `${taskId}${OWNER_SUFFIX}`),
      home: join(parent, `${taskId}${HOME_SUFFIX}`),
    };
  }

  /**
   * A fresh clone of `repo` on `branch` at `start`, with `baseBranch` at `base` beside it
   * (what an agent diffs against), and no remote: nothing in it points back at the runner's
   * repository but the borrowed objects.
   */
  async create(
    repo: ServedRepo,
    taskId: string,
    branch: string,
    baseBranch: string,
    base: string,
    start: string,
  ): Promise<ClonePaths> {
    const paths = this.paths(repo.name, taskId);
    await mkdir(paths.parent, { recursive: true, mode: 0o755 });
    await writeFile(paths.owner, `${process.pid}\n`);
    await this.removeFolders(paths);
    await git(paths.parent, [
      'clone',
      '--quiet',
      '--shared',
      '--no-checkout',
      '--',
      repo.path,
      paths.dir,
    ]);
    await git(paths.dir, ['remote', 'remove', 'origin']);
    await git(paths.dir, ['update-ref', `refs/heads/${baseBranch}`, base]);
    await git(paths.dir, ['checkout', '--quiet', '--force', '-B', branch, start]);
    return paths;
  }

  /** The clone, its HOME and its owner file, gone (also when they never were). */
  async remove(repoName: string, taskId: string): Promise<void> {
    const paths = this.paths(repoName, taskId);
    await this.removeFolders(paths);
    await rm(paths.owner, { force: true });
  }

  private async removeFolders(paths: ClonePaths): Promise<void> {
    await rm(paths.dir, { recursive: true, force: true });
    await rm(paths.home, { recursive: true, force: true });
  }
}
