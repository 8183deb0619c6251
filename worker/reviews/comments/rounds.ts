// Review comments and the runs they go to: the claim hands a run the comments sent with it,
// and the run's report settles whether its diff changed the lines each one is on.
import { type RoundHunk, touches } from './touches';
import type { InlineComment } from './types';

export type { InlineComment } from './types';

/**
 * The comments run `run` of a task carries, oldest first. Comments sent with an earlier run
 * that never reported a success (released, requeued, failed and retried) are still waiting
 * for an answer: they move to this run first, so a requeue does not drop them from the prompt.
 */
export async function inlineCommentsForRun(
  db: D1Database,
  taskId: string,
  run: number,
): Promise<InlineComment[]> {
  const [, listed] = await db.batch<InlineComment>(inlineCommentStatements(db, taskId, run));
  return listed?.results ?? [];
}

/**
 * `inlineCommentsForRun` as two statements (the move to this run, then the list) for a caller's
 * own batch: the claim sends them with its move. `onlyIf` (SQL and its values): the comments
 * move only while it holds, so a claim that lost its race moves none.
 */
export function inlineCommentStatements(
  db: D1Database,
  taskId: string,
  run: number,
  onlyIf: { sql: string; values: (string | number)[] } = { sql: '1', values: [] },
): [D1PreparedStatement, D1PreparedStatement] {
  return [
    db
      .prepare(
        `UPDATE review_comments SET sent_in_run = ? WHERE task_id = ?
           AND sent_in_run IS NOT NULL AND sent_in_run < ? AND touched_head IS NULL
           AND (${onlyIf.sql})`,
      )
      .bind(run, taskId, run, ...onlyIf.values),
    db
      .prepare(
        `SELECT path, line, end_line AS endLine, side, body, context, author FROM review_comments
         WHERE task_id = ? AND sent_in_run = ? ORDER BY created_at, rowid`,
      )
      .bind(taskId, run),
  ];
}

/**
 * After a successful report of run `run` at `newHead`: each comment that run carried gets
 * `touched_head`, and for a line of the head (side new) `touched` 1 or 0 from the round's
 * hunks. No hunks (the runner could not diff the two heads) leaves `touched` unknown.
 */
export async function touchedStatements(
  db: D1Database,
  taskId: string,
  run: number,
  newHead: string,
  roundHunks: RoundHunk[] | null | undefined,
): Promise<D1PreparedStatement[]> {
  const { results } = await db
    .prepare(
      'SELECT id, path, line, end_line, side FROM review_comments WHERE task_id = ? AND sent_in_run = ?',
    )
    .bind(taskId, run)
    .all<{ id: string; path: string; line: number; end_line: number; side: string }>();
  return results.map((c) => {
    const touched =
      roundHunks && c.side === 'new'
        ? touches(roundHunks, c.path, c.line, c.end_line)
          ? 1
          : 0
        : null;
    return db
      .prepare('UPDATE review_comments SET touched = ?, touched_head = ? WHERE id = ?')
      .bind(touched, newHead, c.id);
  });
}
