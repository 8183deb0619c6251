import { useEffect, useRef, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { type GetOk, queryOf } from '../api/schema';
import { currentQuery, navigate } from '../router';
import { BoardColumn } from './BoardColumn';
import { BoardFilters, type BoardQuery, FILTER_KEYS } from './BoardFilters';
import { useDebounced, useTaskMoves } from './live';
import { TASK_STATES } from './types';
import { useStuckTasks } from './why/useStuckTasks';

type Counts = GetOk<'/api/tasks/counts'>;

const PAGE = 50;

/**
 * Every task in a column per state, paged, narrowed by the filters in the URL, and live:
 * each move the office hub announces reloads the columns it touches and the counts.
 */
export function Board() {
  const params = currentQuery.value;
  const query: BoardQuery = {
    status: params.get('status') ?? '',
    agent: params.get('agent') ?? '',
    missionId: params.get('missionId') ?? '',
    repository: params.get('repository') ?? '',
  };
  // A page size in the URL (`?limit=5`) shows paging without thousands of tasks.
  const limit = Number(params.get('limit'));
  const pageSize = Number.isInteger(limit) && limit >= 1 && limit <= 200 ? limit : PAGE;
  const filters = new URLSearchParams(
    FILTER_KEYS.filter((k) => k !== 'status' && query[k]).map((k) => [k, query[k]]),
  ).toString();

  const [counts, setCounts] = useState<Counts | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Only the newest request's answer is shown: a recount sent before the filters changed
  // may answer after the filtered one, and must not put the unfiltered total back.
  const generation = useRef(0);
  const loadCounts = () => {
    const mine = ++generation.current;
    ok(
      hq.GET('/api/tasks/counts', { params: { query: queryOf<'/api/tasks/counts'>(filters) } }),
    ).then(
      (c) => {
        if (mine !== generation.current) return;
        setCounts(c);
        setError(null);
      },
      (e) => mine === generation.current && setError(messageOf(e)),
    );
  };
  useEffect(() => {
    setCounts(null);
    loadCounts();
  }, [filters]);
  // Stuck marks are read again after moves (a move can unstick a task or stick another) and
  // each minute (a heartbeat or a runner can go quiet without any move).
  const [stuckKey, setStuckKey] = useState(0);
  const stuck = useStuckTasks(stuckKey);
  useEffect(() => {
    const tick = setInterval(() => setStuckKey((n) => n + 1), 60_000);
    return () => clearInterval(tick);
  }, []);
  const recount = useDebounced(() => {
    loadCounts();
    setStuckKey((n) => n + 1);
  });
  const line = useTaskMoves(recount, recount);

  const change = (next: BoardQuery) => {
    const search = new URLSearchParams(FILTER_KEYS.filter((k) => next[k]).map((k) => [k, next[k]]));
    if (params.get('limit')) search.set('limit', String(pageSize));
    navigate(`/tasks${search.size ? `?${search}` : ''}`, true);
  };

  const states = query.status ? TASK_STATES.filter((s) => s === query.status) : TASK_STATES;
  return (
    <section>
      <h2>
        Tasks{' '}
        <span class="muted" data-testid="board-total">
          {counts ? `${counts.total} in all` : ''}
        </span>{' '}
        <span
          class={`live-mark ${line}`}
          data-testid="live-state"
          title="Updates from the office hub"
        >
          {line === 'live' ? 'live' : line}
        </span>
      </h2>
      <BoardFilters value={query} onChange={change} />
      {error && <p class="error">{error}</p>}
      <div class="board">
        {states.map((state) => (
          <BoardColumn
            key={`${state}?${filters}`}
            state={state}
            filters={filters}
            pageSize={pageSize}
            count={counts?.byStatus[state]}
            stuck={stuck}
          />
        ))}
      </div>
    </section>
  );
}
