import { git } from './exec';

// The diff HQ checks a task's scope against. Rename detection is off, so moving a file out of
// an off-limits folder shows as that file's deletion plus an addition (both paths checked),
// and the output is NUL-separated, so a path with a tab, a newline or a quote arrives as it is.

export type ChangeKind = 'added' | 'deleted' | 'modified' | 'type-changed';

export interface DiffEntry {
  path: string;
  /** Lines; a binary file counts 0 and 0. */
  added: number;
  removed: number;
  change: ChangeKind;
  /** Six octal digits (100644, 100755, 120000 symlink, 160000 submodule), when the side exists. */
  oldMode?: string;
  newMode?: string;
}

const KINDS: Record<string, ChangeKind> = {
  A: 'added',
  D: 'deleted',
  M: 'modified',
  T: 'type-changed',
};
const NO_MODE = '000000';

/** Every path `head` changes against its merge base with `base`, both run in `repo`. */
export async function scopeDiff(repo: string, base: string, head: string): Promise<DiffEntry[]> {
  const range = `${base}...${head}`;
  // External diff drivers and textconv filters are programs: never run for a count.
  const common = ['diff', '--no-renames', '--no-ext-diff', '--no-textconv', '-z'];
  const [raw, counts] = await Promise.all([
    git(repo, [...common, '--raw', range], { trim: false }),
    git(repo, [...common, '--numstat', range], { trim: false }),
  ]);
  const lines = parseNumstat(counts);
  return parseRaw(raw).map(({ path, status, oldMode, newMode }) => ({
    path,
    added: lines.get(path)?.added ?? 0,
    removed: lines.get(path)?.removed ?? 0,
    change: KINDS[status] ?? 'modified',
    ...(oldMode !== NO_MODE && { oldMode }),
    ...(newMode !== NO_MODE && { newMode }),
  }));
}

/** `--raw -z`: `:oldmode newmode oldsha newsha status` NUL path NUL, for each path. */
export function parseRaw(out: string) {
  const fields = out.split('\0');
  const entries: { path: string; status: string; oldMode: string; newMode: string }[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const header = fields[i] ?? '';
    const path = fields[i + 1] ?? '';
    const [oldMode = '', newMode = '', , , status = ''] = header.slice(1).split(' ');
    if (!header.startsWith(':') || !path) throw new Error(`unexpected git diff --raw output`);
    entries.push({ path, status: status.charAt(0), oldMode, newMode });
  }
  return entries;
}

/** `--numstat -z` without renames: `added TAB removed TAB path` NUL; `-` for a binary file. */
export function parseNumstat(out: string): Map<string, { added: number; removed: number }> {
  const counts = new Map<string, { added: number; removed: number }>();
  for (const record of out.split('\0')) {
    if (!record) continue;
    const first = record.indexOf('\t');
    const second = record.indexOf('\t', first + 1);
    if (first < 0 || second < 0) throw new Error('unexpected git diff --numstat output');
    const path = record.slice(second + 1);
    const count = (text: string) => Number(text) || 0;
    counts.set(path, {
      added: count(record.slice(0, first)),
      removed: count(record.slice(first + 1, second)),
    });
  }
  return counts;
}
