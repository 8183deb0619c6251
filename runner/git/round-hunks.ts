import type { RunReport } from '../../worker/runners/wire';
import { git } from './exec';

// Which lines of the last round this round changed: the old side of each hunk of
// `git diff -U0` from the claim's head (what the reviewer commented on) to the new head.
// HQ marks each review comment the run carried as touched or not from them.

export type RoundHunk = NonNullable<RunReport['roundHunks']>[number];

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/;
// git quotes a path with odd bytes and ends one holding a space with a tab.
const unquote = (raw: string) => {
  const path = raw.replace(/\t$/, '');
  if (!(path.startsWith('"') && path.endsWith('"'))) return path;
  try {
    return JSON.parse(path) as string;
  } catch {
    // An octal escape JSON does not read: the path as git wrote it (it matches no comment).
    return path;
  }
};

/**
 * The round's hunks in the runner's repository `repo`, or null when there is no previous head
 * or it is not there (another runner ran the last round and it was not pushed here): then HQ
 * says "unknown" rather than guess.
 */
export async function roundHunks(
  repo: string,
  previous: string | null,
  next: string,
): Promise<RoundHunk[] | null> {
  if (!previous) return null;
  try {
    await git(repo, ['cat-file', '-e', `${previous}^{commit}`]);
  } catch {
    return null;
  }
  const out = await git(
    repo,
    [
      'diff',
      '-U0',
      '--no-renames',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      previous,
      next,
    ],
    { trim: false },
  );
  return parseRoundHunks(out);
}

/** The old-side hunks of a `-U0` diff; a deleted file's under its old path. */
export function parseRoundHunks(diff: string): RoundHunk[] {
  const hunks: RoundHunk[] = [];
  let path = '';
  // Between `diff --git` and the first hunk: a removed line `-- x` reads `--- x` in a hunk.
  let header = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      header = true;
      path = '';
      continue;
    }
    if (header && line.startsWith('--- ')) {
      // The old path names the file whose lines the comments number; /dev/null: a new file.
      path = line === '--- /dev/null' ? '' : unquote(line.slice(4)).replace(/^a\//, '');
      continue;
    }
    if (header && line.startsWith('+++ ') && !path) {
      path = line === '+++ /dev/null' ? '' : unquote(line.slice(4)).replace(/^b\//, '');
      continue;
    }
    const hunk = HUNK.exec(line);
    if (!hunk) continue;
    header = false;
    if (path)
      hunks.push({
        path,
        oldStart: Number(hunk[1]),
        oldLines: hunk[2] === undefined ? 1 : Number(hunk[2]),
      });
  }
  return hunks;
}
