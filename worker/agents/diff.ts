/** One entry of a semantic diff between two agent configs. */
export interface Change {
  field: string;
  kind: 'set' | 'changed' | 'added' | 'removed';
  /** Where inside the field: `[]` for the field itself, else keys and list indexes. */
  path: (string | number)[];
  old?: unknown;
  new?: unknown;
  /** Long text only: a line diff, each line prefixed by ' ', '+' or '-'. */
  lines?: string[];
}

const LONG_TEXT_LINES = 2;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The semantic diff of `fields` between two snapshots; empty when nothing tracked changed. */
export function diffConfigs(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
  fields: readonly string[],
): Change[] {
  return fields.flatMap((field) =>
    diffValue(field, [], before?.[field] ?? null, after[field] ?? null),
  );
}

function diffValue(field: string, path: (string | number)[], old: unknown, now: unknown): Change[] {
  if (same(old, now)) return [];
  if (old === null || old === undefined)
    return [{ field, kind: path.length ? 'added' : 'set', path, new: now }];
  if (now === null || now === undefined) return [{ field, kind: 'removed', path, old }];
  if (Array.isArray(old) && Array.isArray(now)) return diffList(field, path, old, now);
  if (isRecord(old) && isRecord(now)) {
    const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])].sort();
    return keys.flatMap((key) =>
      diffValue(field, [...path, key], old[key] ?? null, now[key] ?? null),
    );
  }
  if (typeof old === 'string' && typeof now === 'string' && isLongText(old, now)) {
    return [{ field, kind: 'changed', path, old, new: now, lines: lineDiff(old, now) }];
  }
  return [{ field, kind: 'changed', path, old, new: now }];
}

/** Lists compare by entry: what was added and what was removed, with its index. */
function diffList(
  field: string,
  path: (string | number)[],
  old: unknown[],
  now: unknown[],
): Change[] {
  const oldKeys = old.map((v) => JSON.stringify(v));
  const newKeys = now.map((v) => JSON.stringify(v));
  const removed = old.flatMap((value, i) =>
    newKeys.includes(oldKeys[i] ?? '')
      ? []
      : [{ field, kind: 'removed' as const, path: [...path, i], old: value }],
  );
  const added = now.flatMap((value, i) =>
    oldKeys.includes(newKeys[i] ?? '')
      ? []
      : [{ field, kind: 'added' as const, path: [...path, i], new: value }],
  );
  if (removed.length || added.length) return [...removed, ...added];
  // Same entries in another order.
  return [{ field, kind: 'changed', path, old, new: now }];
}

function isLongText(a: string, b: string): boolean {
  return a.split('\n').length >= LONG_TEXT_LINES || b.split('\n').length >= LONG_TEXT_LINES;
}

/** A line diff by longest common subsequence: ' ' kept, '-' removed, '+' added. */
export function lineDiff(oldText: string, newText: string): string[] {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  const table: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = table[i] as number[];
      row[j] =
        a[i] === b[j]
          ? (table[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(table[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push(` ${a[i]}`);
      i++;
      j++;
    } else if (
      i < a.length &&
      (j >= b.length || (table[i + 1]?.[j] ?? 0) >= (table[i]?.[j + 1] ?? 0))
    ) {
      // Removals before additions, as in a unified diff.
      lines.push(`-${a[i]}`);
      i++;
    } else {
      lines.push(`+${b[j]}`);
      j++;
    }
  }
  return lines;
}
