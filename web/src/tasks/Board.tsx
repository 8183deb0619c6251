import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import { TASK_STATES, type Task } from './types';

/** Every task in a column per state. */
export function Board() {
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: Task[] }>('/api/tasks?limit=200').then(
      (r) => setTasks(r.items),
      (e) => setError(messageOf(e)),
    );
  }, []);
  if (error) return <p class="error">{error}</p>;
  return (
    <section>
      <h2>Tasks</h2>
      <div class="board">
        {TASK_STATES.map((state) => {
          const column = tasks?.filter((t) => t.status === state) ?? [];
          return (
            <div key={state} class="column" data-testid={`column-${state}`}>
              <h3>
                {state.replace('_', ' ')} <span class="muted">{column.length}</span>
              </h3>
              {column.map((t) => (
                <a key={t.id} class="card task-card" href={`/tasks/${t.id}`}>
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
                </a>
              ))}
            </div>
          );
        })}
      </div>
    </section>
  );
}
