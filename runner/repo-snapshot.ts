import type { HqClient } from './api';
import type { ServedRepo } from './clones/clones';
import { git } from './git/exec';
import type { Progress } from './progress';

// What HQ knows of each served repository's files: the tracked paths and head of its default
// branch, sent at start, every ten minutes and after each merge. The CEO drafts missions'
// scopes from these real paths; planning runs see from the head whether anything changed.

/** How often every served repository is reported again, merges or not. */
export const SNAPSHOT_EVERY_MS = 10 * 60_000;
/** HQ keeps at most this many paths; fileCount still says how many there are. */
export const MAX_SNAPSHOT_FILES = 5_000;
/** HQ takes bodies up to 1 MiB: long paths are cut to stay well under it. */
export const MAX_SNAPSHOT_BYTES = 900_000;

export interface Snapshot {
  branch: string;
  headCommit: string;
  files: string[];
  fileCount: number;
}

const hasBranch = (path: string, branch: string) =>
  git(path, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]).then(
    () => true,
    () => false,
  );

/**
 * The branch missions land on by default: the one origin's HEAD names, else main or master,
 * else whatever HEAD is on (a fresh repository). Null when there is no such local branch.
 */
export async function defaultBranch(path: string): Promise<string | null> {
  const remote = await git(path, ['symbolic-ref', '--short', 'refs/remotes/origin/HEAD']).catch(
    () => '',
  );
  const candidates = [remote.replace(/^origin\//, ''), 'main', 'master'].filter(Boolean);
  for (const branch of candidates) if (await hasBranch(path, branch)) return branch;
  const head = await git(path, ['symbolic-ref', '--short', 'HEAD']).catch(() => '');
  return head && (await hasBranch(path, head)) ? head : null;
}

/**
 * The default branch's tracked files (the first MAX_SNAPSHOT_FILES, within MAX_SNAPSHOT_BYTES)
 * and head, or null.
 */
export async function takeSnapshot(path: string): Promise<Snapshot | null> {
  const branch = await defaultBranch(path);
  if (!branch) return null;
  const headCommit = await git(path, ['rev-parse', '--verify', `refs/heads/${branch}^{commit}`]);
  // The branch's tree, not the working folder's index: the served folder may be on another branch.
  const listed = await git(
    path,
    ['ls-tree', '-r', '-z', '--name-only', '--full-tree', headCommit],
    {
      trim: false,
    },
  );
  const all = listed.split('\0').filter(Boolean);
  const files: string[] = [];
  let bytes = 0;
  // HQ refuses a path over 1,000 characters (no repository's scopes name such a path).
  for (const path of all.filter((p) => p.length <= 1_000).slice(0, MAX_SNAPSHOT_FILES)) {
    // Each path costs its UTF-8 bytes (JSON escapes aside) plus quotes and a comma.
    bytes += Buffer.byteLength(path) + 3;
    if (bytes > MAX_SNAPSHOT_BYTES) break;
    files.push(path);
  }
  return { branch, headCommit, files, fileCount: all.length };
}

export interface SnapshotOptions {
  client: HqClient;
  progress: Progress;
  repos: Map<string, ServedRepo>;
}

/**
 * Reports one repository (or all), saying once per repository why one could not be: HQ refusing
 * or unreachable is not fatal, the next round tries again.
 */
export function createSnapshotReporter(opts: SnapshotOptions) {
  const said = new Set<string>();
  const once = (name: string, line: string) => {
    if (said.has(`${name}:${line}`)) return;
    said.add(`${name}:${line}`);
    opts.progress.info(line);
  };
  const reportOne = async (repo: ServedRepo) => {
    try {
      const snapshot = await takeSnapshot(repo.path);
      if (!snapshot) {
        once(repo.name, `${repo.name}: no default branch with a commit yet; files not reported`);
        return;
      }
      await opts.client.snapshot(repo.name, snapshot);
    } catch (error) {
      once(repo.name, `${repo.name}: files not reported to HQ: ${(error as Error).message}`);
    }
  };
  return {
    reportOne,
    reportAll: async () => {
      for (const repo of opts.repos.values()) await reportOne(repo);
    },
  };
}
