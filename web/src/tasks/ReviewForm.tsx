import { useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import { Commit, shortSha } from './Commit';
import type { Task } from './types';

/**
 * Approve or request changes. An approval is of the head commit the run recorded: the runner
 * merges exactly that commit, so the form names it.
 */
export function ReviewForm({ task, onDone }: { task: Task; onDone: () => void }) {
  const [comments, setComments] = useState('');
  const [error, setError] = useState<string | null>(null);
  const send = async (verdict: 'approve' | 'changes') => {
    try {
      await api(`/api/tasks/${task.id}/review`, { method: 'POST', body: { verdict, comments } });
      onDone();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const head = task.headCommit;
  return (
    <form class="panel" aria-label="Review" onSubmit={(e) => e.preventDefault()}>
      <h3>Review</h3>
      {head && (
        <p class="muted" data-testid="review-head">
          Reviewing commit <Commit sha={head} />
          {task.headPushed ? ' (pushed as ' : ' (on its runner as '}
          <code>{task.branch ?? `hq/${task.id}`}</code>)
        </p>
      )}
      <textarea
        aria-label="Review comments"
        rows={3}
        value={comments}
        onInput={(e) => setComments(e.currentTarget.value)}
      />
      {error && <p class="error">{error}</p>}
      <div class="inline">
        <button type="button" onClick={() => void send('approve')} title={head ?? undefined}>
          {head ? `Approve merges ${shortSha(head)}` : 'Approve'}
        </button>
        <button type="button" class="secondary" onClick={() => void send('changes')}>
          Request changes
        </button>
      </div>
    </form>
  );
}
