import { useState } from 'preact/hooks';
import { describeFailure } from '../../api/client';
import { hasRole, me } from '../../auth/session';
import { type Comments, type LineRange, type ReviewComment, whereOf } from './comments';

/** The box under a line (or a range, shift-click) where a reviewer writes a comment. */
export function CommentBox({
  range,
  onSave,
  onCancel,
}: {
  range: LineRange;
  onSave: (body: string) => Promise<void>;
  onCancel: () => void;
}) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    setSaving(true);
    try {
      await onSave(body);
    } catch (e) {
      setError(describeFailure(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <form class="dv-comment-box" onSubmit={(e) => e.preventDefault()}>
      <p class="muted small">
        Comment on {whereOf({ ...range })} (shift-click a line number for a range)
      </p>
      <textarea
        aria-label="Comment"
        rows={3}
        value={body}
        // biome-ignore lint/a11y/noAutofocus: the box opens because the reviewer asked to write.
        autoFocus
        onInput={(e) => setBody(e.currentTarget.value)}
      />
      {error && <p class="error">{error}</p>}
      <div class="inline">
        <button type="button" disabled={saving || !body.trim()} onClick={() => void save()}>
          Save comment
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Whether this person may delete the comment: unsent, and theirs (an admin: any). */
export const deletable = (c: ReviewComment) =>
  c.sentInRun === null &&
  (hasRole(me.value, 'admin') || (hasRole(me.value, 'operator') && me.value?.email === c.author));

/** One comment: who, what, and whether it went to the agent yet. */
export function CommentBody({
  comment,
  comments,
  where = false,
}: {
  comment: ReviewComment;
  comments: Comments;
  where?: boolean;
}) {
  const [error, setError] = useState<string | null>(null);
  const remove = () => comments.remove(comment.id).catch((e) => setError(describeFailure(e)));
  return (
    <>
      <p class="dv-comment-head">
        {where && <span class="mono">{whereOf(comment)}</span>} <strong>{comment.author}</strong>{' '}
        <span class="muted">
          {comment.sentInRun === null ? 'not sent yet' : `sent with run ${comment.sentInRun}`}
        </span>
        {deletable(comment) && (
          <button type="button" class="link-button" onClick={() => void remove()}>
            Delete
          </button>
        )}
      </p>
      <p class="dv-comment-text">{comment.body}</p>
      {error && <p class="error">{error}</p>}
    </>
  );
}
