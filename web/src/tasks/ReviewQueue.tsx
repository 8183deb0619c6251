import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import { Commit, DiffFlagBadges } from './Commit';
import { needsReview, type Task } from './types';

/** Tasks waiting for a reviewer's verdict, oldest first. */
export function ReviewQueue() {
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: Task[] }>('/api/tasks?status=REVIEW&limit=200').then(
      (r) => setTasks(r.items.filter(needsReview).reverse()),
      (e) => setError(messageOf(e)),
    );
  }, []);
  return (
    <section>
      <h2>Review queue</h2>
      {error && <p class="error">{error}</p>}
      {tasks && !tasks.length && <p class="muted">Nothing waits for review.</p>}
      <ul class="plain list">
        {tasks?.map((t) => (
          <li key={t.id}>
            <a href={`/tasks/${t.id}`}>{t.title}</a>{' '}
            <span class="muted">
              {t.headCommit && (
                <>
                  at <Commit sha={t.headCommit} /> ·{' '}
                </>
              )}
              {t.diffNumstat?.length ?? 0} files · {t.commits?.length ?? 0} commits
            </span>
            {!!t.scopeViolations?.length && (
              <span class="flag">{t.scopeViolations.length} outside scope</span>
            )}
            {/* One badge per kind: the task page lists each path. */}
            <DiffFlagBadges flags={[...new Map(t.diffFlags.map((f) => [f.flag, f])).values()]} />
          </li>
        ))}
      </ul>
    </section>
  );
}
