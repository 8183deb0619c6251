import { useEffect, useState } from 'preact/hooks';
import type { Gate } from '../../../../worker/tasks/why/types';
import { hq, ok } from '../../api/client';

/**
 * Every stuck task's first failing gate, by task id, from GET /api/tasks/stuck; fetched again
 * whenever `refreshKey` changes (a board passes what changes when tasks move). A failed fetch
 * keeps the last map: the marks are a hint, the task page says why in full.
 */
export function useStuckTasks(refreshKey: unknown): Map<string, Gate> {
  const [stuck, setStuck] = useState<Map<string, Gate>>(new Map());
  useEffect(() => {
    let live = true;
    ok(hq.GET('/api/tasks/stuck')).then(
      ({ items }) => {
        if (!live) return;
        setStuck(
          new Map(
            items.flatMap((why) => (why.firstFailing ? [[why.taskId, why.firstFailing]] : [])),
          ),
        );
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [refreshKey]);
  return stuck;
}
