import { git } from './exec';

/** Commits on `head` that `base` does not have, oldest first. */
export async function commitsSince(cwd: string, base: string, head = 'HEAD'): Promise<string[]> {
  const out = await git(cwd, ['rev-list', '--reverse', `${base}..${head}`]);
  return out ? out.split('\n') : [];
}
