import { useState } from 'preact/hooks';
import { describeFailure, hq, ok } from '../api/client';

/**
 * Approve / Request changes under a ready-for-review notification, as its Telegram message
 * has: the same review the task page makes (POST /api/tasks/{id}/review). Request changes
 * opens a box for what should change; the row then says how the review ended.
 */
export function ReviewActions({ taskId }: { taskId: string }) {
  const [writing, setWriting] = useState(false);
  const [comments, setComments] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function send(verdict: 'approve' | 'changes') {
    setBusy(true);
    setError(null);
    try {
      await ok(
        hq.POST('/api/tasks/{id}/review', {
          params: { path: { id: taskId } },
          body: { verdict, comments },
        }),
      );
      setDone(verdict === 'approve' ? 'Approved: its runner merges it.' : 'Changes requested.');
    } catch (e) {
      setError(describeFailure(e));
    } finally {
      setBusy(false);
    }
  }

  if (done)
    return (
      <p class="review-done" role="status">
        {done}
      </p>
    );
  return (
    <div class="review-actions">
      {!writing && (
        <div class="inline">
          <button type="button" disabled={busy} onClick={() => void send('approve')}>
            Approve
          </button>
          <button type="button" class="secondary" onClick={() => setWriting(true)}>
            Request changes
          </button>
        </div>
      )}
      {writing && (
        <form
          aria-label="Request changes"
          onSubmit={(e) => {
            e.preventDefault();
            void send('changes');
          }}
        >
          <textarea
            aria-label="What should change"
            rows={3}
            value={comments}
            onInput={(e) => setComments(e.currentTarget.value)}
          />
          <div class="inline">
            <button type="submit" disabled={busy || !comments.trim()}>
              Send
            </button>
            <button type="button" class="secondary" onClick={() => setWriting(false)}>
              Back
            </button>
          </div>
        </form>
      )}
      {error && <p class="error">{error}</p>}
    </div>
  );
}
