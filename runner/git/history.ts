import { git } from './exec';

/** Commits on `head` that `base` does not have, oldest first. */
export async function commitsSince(cwd: string, base: string, head = 'HEAD'): Promise<string[]> {
  const out = await git(cwd, ['rev-list', '--reverse', `${base}..${head}`]);
  return out ? out.split('\n') : [];
}

/**
 * Merges `branch` into `target` without touching any checkout: `git merge-tree` computes the
 * result, `commit-tree` makes the merge commit, and `update-ref` moves `target` only if it
 * has not moved meanwhile. Returns the merge commit, or the conflicting files.
 */
export async function mergeWithoutCheckout(
  repo: string,
  target: string,
  branch: string,
  message: string,
) {
  const before = await git(repo, ['rev-parse', `refs/heads/${target}`]);
  try {
    const tree =
      (
        await git(repo, [
          'merge-tree',
          '--write-tree',
          '--name-only',
          '--no-messages',
          target,
          branch,
        ])
      ).split('\n')[0] ?? '';
    const commit = await git(repo, [
      'commit-tree',
      tree,
      '-p',
      before,
      '-p',
      branch,
      '-m',
      message,
    ]);
    await git(repo, ['update-ref', `refs/heads/${target}`, commit, before]);
    return { merged: true as const, commit };
  } catch (error) {
    // merge-tree exits 1 on conflicts and prints the tree, then the conflicting paths.
    const out = (error as { stdout?: string; code?: number }).stdout ?? '';
    if ((error as { code?: number }).code !== 1 || !out) throw error;
    const [, ...files] = out.trim().split('\n');
    return { merged: false as const, files: [...new Set(files.filter(Boolean))] };
  }
}
