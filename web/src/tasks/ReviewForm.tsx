import { useState } from 'preact/hooks';
import { describeFailure, hq, ok } from '../api/client';
import { Commit, shortSha } from './Commit';
import { CommentList } from './diff/CommentList';
import type { Comments } from './diff/comments';
import type { Task } from './types';

/**
 * Approve or request changes. An approval is of the head commit the run recorded: the runner
 * merges exactly that commit, so the form names it. Requesting changes sends the unsent
 * inline comments of that head too; the text box may then stay empty (the server decides
 * whether there is enough to send).
 */
export function ReviewForm({
  task,
  onDone,
  inline,
}: {
  task: Task;
  onDone: () => void;
  /** The task's inline comments, listed here; the unsent ones go with "Request changes". */
  inline: Comments;
}) {
  const [comments, setComments] = useState('');
  const [error, setError] = useState<string | null>(null);
  const send = async (verdict: 'approve' | 'changes') => {
    try {
      await ok(
        hq.POST('/api/tasks/{id}/review', {
          params: { path: { id: task.id } },
          body: { verdict, comments },
        }),
      );
      onDone();
    } catch (e) {
      setError(describeFailure(e));
    }
  };
  const head = task.headCommit;
  const unsent = inline.items.filter((c) => c.headCommit === head && c.sentInRun === null);
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
      <CommentList comments={inline} head={head} />
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
        {unsent.length > 0 && (
          <span class="muted small" data-testid="unsent-comments">
            {unsent.length} inline comment{unsent.length === 1 ? '' : 's'} go with it
          </span>
        )}
      </div>
    </form>
  );
}
