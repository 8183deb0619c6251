// A unified patch as `git diff` writes it (runner/git/patch.ts), read into files, hunks and
// numbered lines. Plain code with no runtime dependencies: the worker reads comments' code
// from it and the web app draws the diff from it, so both number lines the same way.

export type PatchLineKind = 'context' | 'add' | 'del';

export interface PatchLine {
  kind: PatchLineKind;
  text: string;
  /** The line's number in the base (context and removed lines). */
  oldLine: number | null;
  /** The line's number in the head (context and added lines). */
  newLine: number | null;
}

export interface PatchHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** What git printed after the second `@@` (often the enclosing function). */
  section: string;
  lines: PatchLine[];
}

export interface PatchFile {
  /** The path in the head; the base's path for a deleted file. */
  path: string;
  change: 'added' | 'deleted' | 'modified';
  binary: boolean;
  hunks: PatchHunk[];
}

export interface ParsedPatch {
  files: PatchFile[];
  /** The runner's note when it cut the patch (`# HQ: patch cut at …`), else null. */
  cutNote: string | null;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;
// git ends a `---`/`+++` path that holds a space with a tab, and quotes one with odd bytes.
const unquote = (raw: string) => {
  const path = raw.replace(/\t$/, '');
  return path.startsWith('"') && path.endsWith('"') ? (JSON.parse(path) as string) : path;
};
const strip = (path: string, prefix: string) =>
  path.startsWith(prefix) ? path.slice(prefix.length) : path;

/** Reads a patch; text it does not understand is skipped rather than guessed at. */
export function parsePatch(text: string): ParsedPatch {
  const files: PatchFile[] = [];
  let cutNote: string | null = null;
  let file: PatchFile | null = null;
  let hunk: PatchHunk | null = null;
  let oldLine = 0;
  let newLine = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('# HQ: ')) {
      cutNote = line.slice(2);
      continue;
    }
    if (line.startsWith('diff --git ')) {
      const match = /^diff --git (?:"?a\/)(.+?)"? (?:"?b\/)(.+?)"?$/.exec(line);
      file = { path: match?.[2] ?? line.slice(11), change: 'modified', binary: false, hunks: [] };
      files.push(file);
      hunk = null;
      continue;
    }
    if (!file) continue;
    const header = HUNK.exec(line);
    if (header) {
      hunk = {
        oldStart: Number(header[1]),
        oldLines: header[2] === undefined ? 1 : Number(header[2]),
        newStart: Number(header[3]),
        newLines: header[4] === undefined ? 1 : Number(header[4]),
        section: header[5] ?? '',
        lines: [],
      };
      oldLine = hunk.oldStart;
      newLine = hunk.newStart;
      file.hunks.push(hunk);
      continue;
    }
    if (!hunk) {
      if (line.startsWith('new file mode')) file.change = 'added';
      else if (line.startsWith('deleted file mode')) file.change = 'deleted';
      else if (line.startsWith('Binary files ')) file.binary = true;
      else if (line.startsWith('+++ ') && line !== '+++ /dev/null')
        file.path = strip(unquote(line.slice(4)), 'b/');
      else if (line.startsWith('--- ') && line !== '--- /dev/null' && file.change === 'deleted')
        file.path = strip(unquote(line.slice(4)), 'a/');
      continue;
    }
    const mark = line[0];
    const body = line.slice(1);
    if (mark === ' ')
      hunk.lines.push({ kind: 'context', text: body, oldLine: oldLine++, newLine: newLine++ });
    else if (mark === '+')
      hunk.lines.push({ kind: 'add', text: body, oldLine: null, newLine: newLine++ });
    else if (mark === '-')
      hunk.lines.push({ kind: 'del', text: body, oldLine: oldLine++, newLine: null });
    // `\ No newline at end of file` and the empty string after the last newline: not lines.
  }
  return { files, cutNote };
}

/** The lines of a file a comment may point at on one side: those its hunks show. */
export function sideLines(file: PatchFile, side: 'new' | 'old'): PatchLine[] {
  return file.hunks.flatMap((h) =>
    h.lines.filter((l) => (side === 'new' ? l.newLine !== null : l.oldLine !== null)),
  );
}

/**
 * The code around lines `line`..`endLine` of `path` on `side`, as the patch shows it: up to
 * `around` lines either side within the same hunk, each as `<number> <mark> <text>` with the
 * commented lines marked `>`. Null when the patch does not show those lines.
 */
export function codeAround(
  patch: ParsedPatch,
  path: string,
  side: 'new' | 'old',
  line: number,
  endLine: number,
  around = 3,
): string | null {
  const file = patch.files.find((f) => f.path === path);
  if (!file) return null;
  const numberOf = (l: PatchLine) => (side === 'new' ? l.newLine : l.oldLine);
  for (const hunk of file.hunks) {
    const shown = hunk.lines.filter((l) => numberOf(l) !== null);
    const first = shown.findIndex((l) => numberOf(l) === line);
    const last = shown.findIndex((l) => numberOf(l) === endLine);
    if (first < 0 || last < first) continue;
    const mark = { context: ' ', add: '+', del: '-' };
    return shown
      .slice(Math.max(0, first - around), last + around + 1)
      .map((l) => {
        const n = numberOf(l) as number;
        const pointer = n >= line && n <= endLine ? '>' : ' ';
        return `${pointer}${String(n).padStart(5)} ${mark[l.kind]} ${l.text}`;
      })
      .join('\n');
  }
  return null;
}
