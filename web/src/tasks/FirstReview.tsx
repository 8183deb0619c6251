import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import type { Schema } from '../api/schema';
import { Commit } from './Commit';

/** GET /api/tasks/{id}/review-jobs (worker/reviews/jobs/views.ts). */
export type ReviewJob = Schema<'ReviewJob'>;

const POLL_MS = 3000;

const STATE: Record<ReviewJob['status'], string> = {
  QUEUED: 'queued: waiting for a runner that can run the reviewer',
  RUNNING: 'reviewing now',
  DONE: 'done',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
};

/**
 * The reviewer agent's first pass over the task's latest head: who, its state, its verdict and
 * summary, or why it failed. Polls while the job is queued or running; nothing when the task
 * never had one (no reviewer agent: a person reviews alone).
 */
export function FirstReview({ taskId, refreshKey }: { taskId: string; refreshKey: string }) {
  const [job, setJob] = useState<ReviewJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const load = async () => {
      try {
        const { items } = await ok(
          hq.GET('/api/tasks/{id}/review-jobs', { params: { path: { id: taskId } } }),
        );
        if (!live) return;
        const newest = items[0] ?? null;
        setJob(newest);
        setError(null);
        if (newest && (newest.status === 'QUEUED' || newest.status === 'RUNNING'))
          timer = setTimeout(() => void load(), POLL_MS);
      } catch (e) {
        if (live) setError(messageOf(e));
      }
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [taskId, refreshKey]);

  if (error) return <p class="error">{error}</p>;
  if (!job) return null;
  return (
    <section class="panel" aria-label="First review" data-testid="first-review">
      <h3>First review</h3>
      <p>
        <strong>{job.reviewer.name}</strong> <span class="muted">({job.reviewer.slug})</span> on{' '}
        <Commit sha={job.headCommit} />:{' '}
        <span data-testid="first-review-state">
          {job.status === 'DONE' && job.verdict
            ? job.verdict === 'approve'
              ? 'approves'
              : 'asks for changes'
            : STATE[job.status]}
        </span>
        {job.attempts > 1 && <span class="muted"> (attempt {job.attempts})</span>}
      </p>
      {job.summary && (
        <p class="spec" data-testid="first-review-summary">
          {job.summary}
        </p>
      )}
      {job.error && job.status !== 'DONE' && (
        <p class={job.status === 'FAILED' ? 'error' : 'muted'} data-testid="first-review-error">
          {job.error}
        </p>
      )}
    </section>
  );
}
