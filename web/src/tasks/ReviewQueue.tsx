import { useEffect, useState } from 'preact/hooks';
import { hq, ok } from '../api/client';
import { hasRole, me } from '../auth/session';
import { Commit, DiffFlagBadges } from './Commit';
import { useComments } from './diff/comments';
import { DiffView } from './diff/DiffView';
import { useDebounced, useTaskMoves } from './live';
import { usePagedTasks } from './paged';
import { needsReview, type Task } from './types';

/** Tasks waiting for a reviewer's verdict, oldest first, paged and live. */
export function ReviewQueue() {
  const list = usePagedTasks('status=REVIEW&order=oldest', 200);
  const [waiting, setWaiting] = useState<number | null>(null);
  // One row open at a time: the diff's keys (n/p, j/k) then move through that one task.
  const [open, setOpen] = useState<string | null>(null);
  const recount = () =>
    ok(hq.GET('/api/tasks/counts')).then(
      (c) => setWaiting(c.toReview),
      () => undefined,
    );
  useEffect(() => {
    recount();
  }, []);
  const refresh = useDebounced(() => {
    list.refresh();
    recount();
  });
  useTaskMoves((move) => {
    if (move.from === 'REVIEW' && move.to !== 'REVIEW') list.drop(move.id);
    if (move.from === 'REVIEW' || move.to === 'REVIEW') refresh();
  }, refresh);
  const tasks = list.items?.filter(needsReview);
  return (
    <section>
      <h2>
        Review queue{' '}
        {waiting !== null && (
          <span class="muted" data-testid="review-waiting">
            {waiting} waiting
          </span>
        )}
      </h2>
      {list.error && <p class="error">{list.error}</p>}
      {tasks && !tasks.length && !list.more && <p class="muted">Nothing waits for review.</p>}
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
            <DiffFlagBadges flags={[...new Map(t.diffFlags.map((f) => [f.flag, f])).values()]} />{' '}
            <button
              type="button"
              class="link-button"
              aria-expanded={open === t.id}
              onClick={() => setOpen(open === t.id ? null : t.id)}
            >
              {open === t.id ? 'Hide diff' : 'Show diff'}
            </button>
            {open === t.id && <QueueDiff task={t} />}
          </li>
        ))}
      </ul>
      {list.more && (
        <button type="button" class="secondary" onClick={list.loadMore}>
          Load more
        </button>
      )}
    </section>
  );
}

/** A queue row's diff, the same view as on the task page, comments included. */
function QueueDiff({ task }: { task: Task }) {
  const comments = useComments(task.id, `${task.headCommit}-${task.updatedAt}`);
  return (
    <div class="dv-queue-diff" data-testid="queue-diff">
      <DiffView task={task} comments={comments} canComment={hasRole(me.value, 'operator')} />
    </div>
  );
}
