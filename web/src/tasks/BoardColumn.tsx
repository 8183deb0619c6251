import type { Gate } from '../../../worker/tasks/why/types';
import { useDebounced, useTaskMoves } from './live';
import { usePagedTasks } from './paged';
import type { Task } from './types';
import { StuckBadge } from './why/StuckBadge';

/** One state's column: its tasks newest first, paged, kept live from the hub's task moves. */
export function BoardColumn({
  state,
  filters,
  pageSize,
  count,
  stuck,
}: {
  state: Task['status'];
  /** The board's filters as URL parameters, without status. */
  filters: string;
  pageSize: number;
  count: number | undefined;
  /** Stuck tasks' first failing gates, by task id (GET /api/tasks/stuck). */
  stuck: Map<string, Gate>;
}) {
  const list = usePagedTasks(`status=${state}${filters ? `&${filters}` : ''}`, pageSize);
  const refresh = useDebounced(list.refresh);
  useTaskMoves((move) => {
    if (move.from === state && move.to !== state) list.drop(move.id);
    // The moved task's place in this column (newest first) and its fields come from the API.
    if (move.to === state || move.from === state) refresh();
  }, refresh);
  return (
    <div class="column" data-testid={`column-${state}`}>
      <h3>
        {state.replace('_', ' ')}{' '}
        <span class="muted" data-testid={`count-${state}`}>
          {count ?? list.items?.length ?? ''}
        </span>
      </h3>
      {list.error && <p class="error">{list.error}</p>}
      {list.items?.map((t) => (
        <a key={t.id} class="card task-card" href={`/tasks/${t.id}`} data-task-id={t.id}>
          <strong>{t.title}</strong>
          {t.phase && <span class="muted">{t.phase}</span>}
          {t.lastLine && (
            <span class="last-line mono" title={t.lastLine}>
              {t.lastLine}
            </span>
          )}
          {!!t.scopeViolations?.length && (
            <span class="flag">{t.scopeViolations.length} outside scope</span>
          )}
          {stuck.has(t.id) && <StuckBadge gate={stuck.get(t.id) as Gate} />}
        </a>
      ))}
      {list.more && (
        <button type="button" class="secondary" onClick={list.loadMore}>
          Load more
        </button>
      )}
    </div>
  );
}
