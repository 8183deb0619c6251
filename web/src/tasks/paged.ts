// One paged task list (a board column, the review queue): the first page, "Load more" by
// nextCursor, and a refresh that reloads what is shown when tasks move.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { queryOf } from '../api/schema';
import type { Task } from './types';

/** The API's largest page: a refresh reloads at most this many and keeps the rest. */
const MAX_PAGE = 200;

export interface PagedTasks {
  items: Task[] | null;
  more: boolean;
  error: string | null;
  loadMore(): void;
  /** Reloads the shown window (first pages) in one request; stale later pages are kept. */
  refresh(): void;
  /** Takes a task off the list at once (it moved elsewhere), before any refresh. */
  drop(id: string): void;
}

const page = (query: string, limit: number, cursor?: string | null) =>
  ok(
    hq.GET('/api/tasks', {
      params: { query: { ...queryOf<'/api/tasks'>(query), limit, ...(cursor ? { cursor } : {}) } },
    }),
  );

/** `query`: the list's filters as URL parameters (no limit, no cursor). */
export function usePagedTasks(query: string, pageSize: number): PagedTasks {
  const [items, setItems] = useState<Task[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Answers to an older query or an older refresh are dropped: the newest request wins.
  const generation = useRef(0);
  // "Load more" is dropped only when the query changed: a refresh that lands meanwhile (the
  // live socket connecting, a task moving) must not swallow the page the user asked for.
  const queryGeneration = useRef(0);
  const shown = useRef<{ items: Task[]; cursor: string | null }>({ items: [], cursor: null });
  shown.current = { items: items ?? [], cursor };

  const load = useCallback(
    (limit: number) => {
      const mine = ++generation.current;
      page(query, limit).then(
        (page) => {
          if (mine !== generation.current) return;
          const before = shown.current;
          if (before.items.length <= limit) {
            setItems(page.items);
            setCursor(page.nextCursor);
          } else {
            // More was shown than one request reloads: keep the older part as it was.
            const fresh = new Set(page.items.map((t) => t.id));
            const rest = before.items.slice(limit).filter((t) => !fresh.has(t.id));
            setItems([...page.items, ...rest]);
          }
          setError(null);
        },
        (e) => mine === generation.current && setError(messageOf(e)),
      );
    },
    [query],
  );

  useEffect(() => {
    queryGeneration.current++;
    setItems(null);
    setCursor(null);
    shown.current = { items: [], cursor: null };
    load(pageSize);
  }, [load, pageSize]);

  const loadMore = () => {
    const mine = queryGeneration.current;
    const from = cursor;
    if (!from) return;
    page(query, pageSize, from).then(
      (page) => {
        if (mine !== queryGeneration.current) return;
        setItems((old) => {
          const known = new Set(old?.map((t) => t.id));
          return [...(old ?? []), ...page.items.filter((t) => !known.has(t.id))];
        });
        setCursor(page.nextCursor);
      },
      (e) => mine === queryGeneration.current && setError(messageOf(e)),
    );
  };

  return {
    items,
    more: cursor !== null,
    error,
    loadMore,
    refresh: () => load(Math.min(Math.max(shown.current.items.length, pageSize), MAX_PAGE)),
    drop: (id) => setItems((old) => old?.filter((t) => t.id !== id) ?? old),
  };
}
