// Inline review comments: the API's shapes (worker/reviews/comments) and one hook that loads,
// adds and deletes them for a task. The task page and the review queue share it.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ReviewComment } from '../../../../worker/reviews/comments/types';
import { describeFailure, hq, ok } from '../../api/client';

export type { ReviewComment } from '../../../../worker/reviews/comments/types';

/** Lines a comment is being written on: `line`..`endLine` of one side of one file. */
export interface LineRange {
  path: string;
  side: 'new' | 'old';
  line: number;
  endLine: number;
}

export interface Comments {
  items: ReviewComment[];
  error: string | null;
  add(head: string, range: LineRange, body: string): Promise<void>;
  remove(id: string): Promise<void>;
}

/** The task's comments, reloaded whenever `refreshKey` changes (a new head, a verdict). */
export function useComments(taskId: string, refreshKey: string): Comments {
  const [items, setItems] = useState<ReviewComment[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    () =>
      ok(hq.GET('/api/tasks/{id}/comments', { params: { path: { id: taskId } } })).then(
        (answer) => {
          setItems(answer.items);
          setError(null);
        },
        // Without comments the diff is still worth reading: say it, do not block.
        (e) => setError(describeFailure(e)),
      ),
    [taskId],
  );
  useEffect(() => {
    void load();
  }, [load, refreshKey]);
  const add = async (head: string, range: LineRange, body: string) => {
    await ok(
      hq.POST('/api/tasks/{id}/comments', {
        params: { path: { id: taskId } },
        body: { headCommit: head, ...range, body },
      }),
    );
    await load();
  };
  const remove = async (id: string) => {
    await ok(
      hq.DELETE('/api/tasks/{id}/comments/{commentId}', {
        params: { path: { id: taskId, commentId: id } },
      }),
    );
    await load();
  };
  return { items, error, add, remove };
}

/** `path:12` or `path:12-14`, and "old" for a removed line's number. */
export const whereOf = (c: Pick<ReviewComment, 'path' | 'line' | 'endLine' | 'side'>) =>
  `${c.path}:${c.line}${c.endLine > c.line ? `-${c.endLine}` : ''}${c.side === 'old' ? ' (old)' : ''}`;

/** What became of a comment sent with a round: the next round changed its lines or not. */
export function touchedLabel(c: ReviewComment): string | null {
  if (c.touched === true) return 'touched by the next round';
  if (c.touched === false) return 'not touched';
  return c.touchedHead ? 'touched: unknown' : null;
}
