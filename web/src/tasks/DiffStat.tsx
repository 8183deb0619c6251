import { DiffFlagBadges } from './Commit';
import type { Task } from './types';

/** What a run changed, path by path: lines, scope, and what the line counts do not show. */
export function DiffStat({ task }: { task: Task }) {
  if (!task.diffNumstat) return null;
  const outside = new Set(task.scopeViolations ?? []);
  const flagsOf = (path: string) => task.diffFlags.filter((f) => f.path === path);
  return (
    <table class="table" aria-label="Diff stat">
      <thead>
        <tr>
          <th>File</th>
          <th>+</th>
          <th>−</th>
          <th>Scope</th>
          <th>Flags</th>
        </tr>
      </thead>
      <tbody>
        {task.diffNumstat.map((f) => (
          <tr key={f.path} class={outside.has(f.path) ? 'outside' : ''}>
            <td class="mono">
              {f.path}
              {f.change === 'deleted' || f.change === 'added' ? (
                <span class="muted"> ({f.change})</span>
              ) : null}
            </td>
            <td class="ok">{f.added}</td>
            <td class="removed">{f.removed}</td>
            <td>{outside.has(f.path) ? <span class="flag">outside scope</span> : ''}</td>
            <td>
              <DiffFlagBadges flags={flagsOf(f.path)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
