import { git } from './exec';

// The run's unified patch, the text a reviewer reads: the same range and switches as the
// scope diff (runner/git/diff.ts: against the merge base, renames off, no external diff
// drivers or textconv filters of the repository's), so the patch and the numstat name the
// same files. Binary files come as git's "Binary files ... differ" lines, not their bytes.

/**
 * The most a patch may hold when it is sent, note included, in UTF-8 bytes: under HQ's
 * limit for an upload (worker/patches/store.ts MAX_PATCH_BYTES, 1,000,000), with room for
 * the note. A longer patch is cut at a file boundary (or a line, when the first file alone
 * is over) and ends with a note saying how much was left out.
 */
export const PATCH_CAP_BYTES = 960 * 1024;

export interface Patch {
  text: string;
  truncated: boolean;
  /** The size of the whole (masked) patch, before any cut. */
  fullBytes: number;
}

/** The patch `head` makes against its merge base with `base`, masked, cut to `cap`. */
export async function runPatch(
  repo: string,
  base: string,
  head: string,
  mask: (text: string) => string,
  cap = PATCH_CAP_BYTES,
): Promise<Patch> {
  const raw = await git(
    repo,
    [
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      '--no-renames',
      // Fixed prefixes whatever the user's diff.noprefix or diff.mnemonicPrefix say.
      '--src-prefix=a/',
      '--dst-prefix=b/',
      `${base}...${head}`,
    ],
    { trim: false },
  );
  return capPatch(mask(raw), cap);
}

const bytesOf = (text: string) => Buffer.byteLength(text, 'utf8');

/** Cuts a patch to `cap` bytes (note included) at a file boundary, or a line in the first file. */
export function capPatch(text: string, cap = PATCH_CAP_BYTES): Patch {
  const fullBytes = bytesOf(text);
  if (fullBytes <= cap) return { text, truncated: false, fullBytes };
  // Room for the note, whatever the numbers in it.
  const budget = Math.max(0, cap - 200);
  const files = text.split(/(?=^diff --git )/m);
  let kept = '';
  let keptBytes = 0;
  let shown = 0;
  for (const file of files) {
    const size = bytesOf(file);
    if (keptBytes + size > budget) break;
    kept += file;
    keptBytes += size;
    shown++;
  }
  let partial = false;
  if (shown === 0) {
    // The first file alone is over: as many of its whole lines as fit.
    for (const line of (files[0] ?? '').split(/(?<=\n)/)) {
      const size = bytesOf(line);
      if (keptBytes + size > budget) break;
      kept += line;
      keptBytes += size;
    }
    partial = true;
  }
  const hidden = files.length - shown - (partial ? 1 : 0);
  const note =
    `${kept.endsWith('\n') || kept === '' ? '' : '\n'}# HQ: patch cut at ${human(keptBytes)} of ${human(fullBytes)}; ` +
    `${partial ? 'the first file cut short, ' : ''}${hidden} file(s) not shown\n`;
  return { text: kept + note, truncated: true, fullBytes };
}

function human(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
