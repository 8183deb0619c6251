import { redact } from '../../audit/redact';
import { codeAround, type ParsedPatch } from '../../patches/parse';
import type { ReviewComment } from './types';

export type { ReviewComment } from './types';

// Review comments: a person's or the reviewer agent's remark on lines of one head's patch.
// Every insert goes through commentStatements, so a comment always points at lines the patch
// of its head shows, carries the code it was written on, and lands only while the task is
// still waiting in REVIEW at that head (a diff that moved on takes no comment).

/** A comment as written, before it is checked against the patch. */
export interface CommentInput {
  path: string;
  line: number;
  endLine?: number | undefined;
  side?: 'new' | 'old' | undefined;
  body: string;
}

/** A comment not stored, with the field at fault and why (for a 400, or a job's summary). */
export interface RefusedComment {
  comment: CommentInput;
  field: 'path' | 'line' | 'endLine' | 'body';
  reason: string;
}

export interface CommentRow {
  id: string;
  task_id: string;
  head_commit: string;
  path: string;
  line: number;
  end_line: number;
  side: 'new' | 'old';
  body: string;
  context: string;
  author: string;
  review_job_id: string | null;
  sent_in_run: number | null;
  touched: number | null;
  touched_head: string | null;
  created_at: number;
}

export const MAX_COMMENT_CHARS = 5000;

export function commentView(row: CommentRow): ReviewComment {
  return {
    id: row.id,
    taskId: row.task_id,
    headCommit: row.head_commit,
    path: row.path,
    line: row.line,
    endLine: row.end_line,
    side: row.side,
    body: row.body,
    context: row.context,
    author: row.author,
    authorKind: row.author.startsWith('agent:') ? 'agent' : 'person',
    reviewJobId: row.review_job_id,
    sentInRun: row.sent_in_run,
    touched: row.touched === null ? null : row.touched === 1,
    touchedHead: row.touched_head,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Where `comment` falls in `patch`: its numbered code, or the field at fault and why. */
export function placeComment(
  patch: ParsedPatch,
  headCommit: string,
  comment: CommentInput,
): { context: string; endLine: number; side: 'new' | 'old' } | RefusedComment {
  const side = comment.side ?? 'new';
  const endLine = comment.endLine ?? comment.line;
  const refuse = (field: RefusedComment['field'], reason: string) => ({ comment, field, reason });
  const body = comment.body.trim();
  if (!body || body.length > MAX_COMMENT_CHARS)
    return refuse('body', `a comment holds 1 to ${MAX_COMMENT_CHARS} characters`);
  if (!Number.isInteger(comment.line) || comment.line < 1)
    return refuse('line', 'a line number is a whole number from 1');
  if (!Number.isInteger(endLine) || endLine < comment.line)
    return refuse('endLine', `the range ends before it starts (line ${comment.line})`);
  const short = headCommit.slice(0, 10);
  const file = patch.files.find((f) => f.path === comment.path);
  if (!file) return refuse('path', `the patch of ${short} does not change ${comment.path}`);
  const context = codeAround(patch, comment.path, side, comment.line, endLine);
  if (context === null) {
    const lines =
      endLine === comment.line ? `line ${comment.line}` : `lines ${comment.line}-${endLine}`;
    return refuse(
      'line',
      `the patch of ${short} does not show ${lines} of ${comment.path} on the ${side} side in one hunk`,
    );
  }
  return { context, endLine, side };
}

/**
 * The inserts for `comments` on `headCommit` of a task (each guarded: it lands only while
 * the task is in REVIEW at that head with no verdict yet), and the comments refused with
 * why. A reviewer agent's comment on a line the patch does not show is refused, never moved
 * to another line: its job's summary says so.
 */
export function commentStatements(
  db: D1Database,
  input: {
    taskId: string;
    headCommit: string;
    patch: ParsedPatch;
    comments: CommentInput[];
    author: string;
    reviewJobId?: string | null;
    now?: number;
  },
): { statements: D1PreparedStatement[]; stored: ReviewComment[]; refused: RefusedComment[] } {
  const now = input.now ?? Date.now();
  const statements: D1PreparedStatement[] = [];
  const stored: ReviewComment[] = [];
  const refused: RefusedComment[] = [];
  for (const comment of input.comments) {
    const placed = placeComment(input.patch, input.headCommit, comment);
    if ('reason' in placed) {
      refused.push(placed);
      continue;
    }
    const row: CommentRow = {
      id: crypto.randomUUID(),
      task_id: input.taskId,
      head_commit: input.headCommit,
      path: comment.path,
      line: comment.line,
      end_line: placed.endLine,
      side: placed.side,
      body: comment.body.trim(),
      context: placed.context,
      author: input.author,
      review_job_id: input.reviewJobId ?? null,
      sent_in_run: null,
      touched: null,
      touched_head: null,
      created_at: now,
    };
    statements.push(
      db
        .prepare(
          `INSERT INTO review_comments (id, task_id, head_commit, path, line, end_line, side, body,
             context, author, review_job_id, created_at)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 FROM tasks
           WHERE id = ?2 AND head_commit = ?3 AND status = 'REVIEW' AND verdict IS NULL`,
        )
        .bind(
          row.id,
          row.task_id,
          row.head_commit,
          row.path,
          row.line,
          row.end_line,
          row.side,
          row.body,
          row.context,
          row.author,
          row.review_job_id,
          row.created_at,
        ),
    );
    stored.push(commentView(row));
  }
  return { statements, stored, refused };
}

/**
 * The unsent comments of `headCommit` go with the next run (`run` = tasks.runs + 1): batched
 * after the move to CHANGES_REQUESTED, and marked only if the task did move there.
 */
export const markSentStatement = (
  db: D1Database,
  taskId: string,
  headCommit: string,
  run: number,
) =>
  db
    .prepare(
      `UPDATE review_comments SET sent_in_run = ?1 WHERE task_id = ?2 AND head_commit = ?3
         AND sent_in_run IS NULL AND EXISTS (SELECT 1 FROM tasks WHERE id = ?2
           AND status = 'CHANGES_REQUESTED' AND head_commit = ?3 AND runs = ?1 - 1)`,
    )
    .bind(run, taskId, headCommit);

/** How many comments of `headCommit` no run has been sent yet. */
export async function unsentCount(db: D1Database, taskId: string, headCommit: string | null) {
  if (!headCommit) return 0;
  const row = await db
    .prepare(
      'SELECT count(*) AS n FROM review_comments WHERE task_id = ? AND head_commit = ? AND sent_in_run IS NULL',
    )
    .bind(taskId, headCommit)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** An audit row that lands only if the statement just before it changed a row. */
export function auditAfter(
  db: D1Database,
  entry: { actor: string; action: string; id: string; requestId: string; summary: object },
) {
  return db
    .prepare(
      `INSERT INTO audit_log (actor, action, entity_type, entity_id, request_id, summary, created_at)
       SELECT ?, ?, 'review_comment', ?, ?, ?, ? WHERE changes() = 1`,
    )
    .bind(
      entry.actor,
      entry.action,
      entry.id,
      entry.requestId,
      JSON.stringify(redact(entry.summary as Record<string, unknown>)),
      Date.now(),
    );
}
