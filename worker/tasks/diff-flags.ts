import type { NumstatEntry } from '../../drizzle/schema';

// What a reviewer should not miss in a diff that line counts hide: a path that became a
// symbolic link (it may point anywhere, outside the repository too), a submodule (code from
// elsewhere, pinned by commit), or a mode change (a file made executable).

export type DiffFlag = { path: string; flag: 'symlink' | 'submodule' | 'mode'; detail: string };

const SYMLINK = '120000';
const SUBMODULE = '160000';
/** The mode git's --raw gives the missing side of an added or deleted path. */
const ABSENT = '000000';

const present = (mode: string | undefined): mode is string => !!mode && mode !== ABSENT;

/** `mode 100644 → 120000`, or `mode 120000` when the path had no mode before. */
function modeText(entry: NumstatEntry, to: string): string {
  return present(entry.oldMode) && entry.oldMode !== to
    ? `mode ${entry.oldMode} → ${to}`
    : `mode ${to}`;
}

/** One flag at most per path: a symlink or a submodule says more than its mode change. */
function flagOf(entry: NumstatEntry): DiffFlag | null {
  const { path, newMode } = entry;
  if (newMode === SYMLINK)
    return { path, flag: 'symlink', detail: `symbolic link (${modeText(entry, SYMLINK)})` };
  if (newMode === SUBMODULE)
    return { path, flag: 'submodule', detail: `submodule (${modeText(entry, SUBMODULE)})` };
  if (present(entry.oldMode) && present(newMode) && entry.oldMode !== newMode)
    return { path, flag: 'mode', detail: `mode ${entry.oldMode} → ${newMode}` };
  return null;
}

/** The flags of a run's numstat, in its order. */
export function diffFlags(numstat: NumstatEntry[] | null): DiffFlag[] {
  return (numstat ?? []).flatMap((entry) => flagOf(entry) ?? []);
}
