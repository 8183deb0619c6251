import { Commit } from '../Commit';
import { CommentBody } from './CommentBox';
import { type Comments, touchedLabel } from './comments';

/**
 * Every inline comment of the task, oldest first: those on the current head (the next
 * "Request changes" sends the unsent ones), and earlier heads' with what the next round did
 * to their lines.
 */
export function CommentList({ comments, head }: { comments: Comments; head: string | null }) {
  if (!comments.items.length) return null;
  return (
    <section class="dv-comment-list" aria-label="Comments on this review">
      <h4>Comments on this review</h4>
      <ul class="plain">
        {comments.items.map((c) => {
          const touched = touchedLabel(c);
          return (
            <li key={c.id} data-testid="review-comment" class="dv-comment">
              <CommentBody comment={c} comments={comments} where />
              {(c.headCommit !== head || touched) && (
                <p class="muted small">
                  {c.headCommit !== head && (
                    <>
                      on <Commit sha={c.headCommit} />{' '}
                    </>
                  )}
                  {touched && (
                    <span class={`badge ${c.touched ? 'dv-touched' : 'dv-untouched'}`}>
                      {touched}
                    </span>
                  )}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
