import type { Change } from './types';

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
const where = (c: Change) => [c.field, ...c.path].join('.');

/** A semantic diff: one row per change; long text as a side-by-side line diff. */
export function DiffView({ changes }: { changes: Change[] }) {
  return (
    <ul class="diff">
      {changes.map((c) => (
        <li key={`${where(c)}-${c.kind}`} class={`change ${c.kind}`}>
          <span class="kind">{c.kind}</span> <code>{where(c)}</code>
          {c.lines ? (
            <SideBySide lines={c.lines} />
          ) : (
            <span class="values">
              {'old' in c && <del>{show(c.old)}</del>}
              {'old' in c && 'new' in c && ' → '}
              {'new' in c && <ins>{show(c.new)}</ins>}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Old text on the left, new on the right, aligned on the lines they share. */
function SideBySide({ lines }: { lines: string[] }) {
  const rows: { left?: string; right?: string; kind: 'same' | 'edit' }[] = [];
  let pending: string[] = [];
  const flush = () => {
    for (const left of pending) rows.push({ left, kind: 'edit' });
    pending = [];
  };
  for (const line of lines) {
    const text = line.slice(1);
    if (line.startsWith(' ')) {
      flush();
      rows.push({ left: text, right: text, kind: 'same' });
    } else if (line.startsWith('-')) pending.push(text);
    else {
      const left = pending.shift();
      rows.push({ ...(left !== undefined ? { left } : {}), right: text, kind: 'edit' });
    }
  }
  flush();
  return (
    <table class="side-by-side" data-testid="side-by-side">
      <tbody>
        {rows.map((row, i) => (
          // Rows have no identity beyond their position.
          <tr key={i} class={row.kind}>
            <td class={row.kind === 'edit' && row.left !== undefined ? 'removed' : ''}>
              {row.left ?? ''}
            </td>
            <td class={row.kind === 'edit' && row.right !== undefined ? 'added' : ''}>
              {row.right ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
