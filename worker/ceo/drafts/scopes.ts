import { globToRegExp } from '../../tasks/scope';

// A drafted task's expected scope, held against the files a runner reported: a glob that
// matches a real path stays; one that matches none is fixed when the fix is plain (a folder
// named without `/**`, a file named at the wrong depth), kept when it names a new file in a
// folder that exists, else dropped; the operator is told of each.

const WILD = /[*?]/;

export interface FittedScope {
  scope: string[];
  /** What changed, in words: `"src/api" → "src/api/**" (a folder)`, `dropped "x.ts" …`. */
  notes: string[];
}

const matches = (glob: string, files: string[]) => {
  const re = globToRegExp(glob);
  return files.some((f) => re.test(f));
};

/** The parent folder of a path (`a/b/c.ts` → `a/b`), or '' at the top. */
const folderOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/** The one fix for a glob that matches nothing, or null when there is none to trust. */
function fix(glob: string, files: string[]): { glob: string; why: string } | null {
  const bare = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  if (bare !== glob && matches(bare, files)) return { glob: bare, why: 'written without ./ or /' };
  if (!WILD.test(bare)) {
    const folder = `${bare}/**`;
    if (matches(folder, files)) return { glob: folder, why: 'a folder' };
    // A file named without its folder (or in the wrong one): fixed only when one path fits.
    const name = bare.split('/').at(-1) ?? bare;
    const same = files.filter((f) => f === name || f.endsWith(`/${name}`));
    if (same.length === 1 && same[0]) return { glob: same[0], why: 'the one file of that name' };
    // A new file in a folder that exists: the folder's own files are its neighbours.
    const parent = folderOf(bare);
    if (parent && files.some((f) => f.startsWith(`${parent}/`)))
      return { glob: bare, why: 'a new file in an existing folder' };
  }
  return null;
}

/** The scope kept for one task, with a note for each glob fixed or dropped. */
export function fitScope(globs: string[], files: string[]): FittedScope {
  const scope: string[] = [];
  const notes: string[] = [];
  for (const raw of globs) {
    const glob = raw.trim();
    if (!glob) continue;
    if (matches(glob, files)) {
      scope.push(glob);
      continue;
    }
    const fixed = fix(glob, files);
    if (fixed && fixed.glob === glob) {
      scope.push(glob);
      notes.push(`kept "${glob}": ${fixed.why}`);
    } else if (fixed) {
      scope.push(fixed.glob);
      notes.push(`"${glob}" → "${fixed.glob}" (${fixed.why})`);
    } else notes.push(`dropped "${glob}": it matches no file of the repository`);
  }
  return { scope: [...new Set(scope)], notes };
}

/** Paths that match `pattern` (a glob, or a plain substring), the first `limit` of them. */
export function filesLike(files: string[], pattern: string, limit: number) {
  const needle = pattern.trim();
  const found = !needle
    ? files
    : WILD.test(needle)
      ? files.filter((f) => globToRegExp(needle).test(f))
      : files.filter((f) => f.includes(needle));
  return { shown: found.slice(0, limit), total: found.length };
}
