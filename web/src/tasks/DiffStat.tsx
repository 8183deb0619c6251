import type { ParsedPatch } from '../../../worker/patches/parse';
import { DiffFlagBadges } from './Commit';
import type { Task } from './types';

/**
 * What a run changed, path by path: lines, scope, and what the line counts do not show. With
 * the patch loaded, a path jumps to its file below (`onPick`), and a path the patch does not
 * hold (it was cut) says so.
 */
export function DiffStat({
  task,
  onPick,
  patch = null,
}: {
  task: Task;
  onPick?: (path: string) => void;
  patch?: ParsedPatch | null;
}) {
  if (!task.diffNumstat) return null;
  const outside = new Set(task.scopeViolations ?? []);
  const inPatch = patch ? new Set(patch.files.map((f) => f.path)) : null;
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
          <tr key={f.path} class={outside.has(f.path) ? 'outside' : ''} data-path={f.path}>
            <td class="mono">
              {onPick && inPatch?.has(f.path) ? (
                <button type="button" class="link-button mono" onClick={() => onPick(f.path)}>
                  {f.path}
                </button>
              ) : (
                f.path
              )}
              {f.change === 'deleted' || f.change === 'added' ? (
                <span class="muted"> ({f.change})</span>
              ) : null}
              {inPatch && !inPatch.has(f.path) && (
                <span class="muted small" data-testid="not-in-patch">
                  {' '}
                  not in the patch
                </span>
              )}
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
