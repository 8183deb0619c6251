import { OpenAPIHono } from '@hono/zod-openapi';
import type { HonoEnv } from '../../env';
import { ApiError } from '../../http/errors';
import { validationHook } from '../../http/validation';
import { parsePatch } from '../../patches/parse';
import { getPatch } from '../../patches/store';
import { addComment, deleteComment, listComments } from './definitions';
import { auditAfter, type CommentRow, commentStatements, commentView } from './store';

export const commentRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

interface TaskRow {
  id: string;
  status: string;
  verdict: string | null;
  head_commit: string | null;
}

async function taskRow(db: D1Database, id: string): Promise<TaskRow> {
  const row = await db
    .prepare('SELECT id, status, verdict, head_commit FROM tasks WHERE id = ?')
    .bind(id)
    .first<TaskRow>();
  if (!row) throw new ApiError('not_found', `No task ${id}.`);
  return row;
}

/** 409 unless the task waits in REVIEW, unapproved, at `head`: a comment is on that diff. */
function openAt(task: TaskRow, head: string) {
  if (task.status !== 'REVIEW' || task.verdict === 'approve')
    throw new ApiError(
      'conflict',
      `Task ${task.id} is ${task.status}${task.verdict === 'approve' ? ' and approved' : ''}: only a task waiting in REVIEW takes comments.`,
    );
  if (task.head_commit !== head)
    throw new ApiError(
      'conflict',
      `The diff moved on: task ${task.id} is at ${task.head_commit ?? 'no head'}, not ${head}; reload.`,
    );
}

commentRoutes.openapi(listComments, async (c) => {
  const { id } = c.req.valid('param');
  await taskRow(c.env.DB, id);
  const { results } = await c.env.DB.prepare(
    'SELECT * FROM review_comments WHERE task_id = ? ORDER BY created_at, rowid',
  )
    .bind(id)
    .all<CommentRow>();
  return c.json({ items: results.map(commentView) }, 200);
});

commentRoutes.openapi(addComment, async (c) => {
  const { id } = c.req.valid('param');
  const input = c.req.valid('json');
  const db = c.env.DB;
  openAt(await taskRow(db, id), input.headCommit);
  const found = await getPatch(c.env.RUN_LOGS, id, input.headCommit);
  if (!found)
    throw new ApiError(
      'not_found',
      `Task ${id} has no stored patch for head ${input.headCommit.slice(0, 10)}: nothing to comment on.`,
    );
  const patch = parsePatch(await new Response(found.body).text());
  const actor = c.get('user').email;
  const { statements, stored, refused } = commentStatements(db, {
    taskId: id,
    headCommit: input.headCommit,
    patch,
    comments: [input],
    author: actor,
  });
  const problem = refused[0];
  const comment = stored[0];
  if (problem || !statements[0] || !comment)
    throw new ApiError('validation_failed', `${problem?.field}: ${problem?.reason}.`, {
      fields: problem ? [{ field: problem.field, in: 'body', message: problem.reason }] : [],
    });
  const [insert] = await db.batch([
    statements[0],
    auditAfter(db, {
      actor,
      action: 'review_comment.create',
      id: comment.id,
      requestId: c.get('requestId'),
      summary: {
        taskId: id,
        headCommit: comment.headCommit,
        path: comment.path,
        line: comment.line,
      },
    }),
  ]);
  // The task moved between the check and the insert (a verdict, a new round).
  if (insert?.meta.changes !== 1)
    throw new ApiError('conflict', `Task ${id} changed meanwhile: the diff moved on; reload.`);
  return c.json(comment, 201);
});

commentRoutes.openapi(deleteComment, async (c) => {
  const { id, commentId } = c.req.valid('param');
  const db = c.env.DB;
  const row = await db
    .prepare('SELECT * FROM review_comments WHERE id = ? AND task_id = ?')
    .bind(commentId, id)
    .first<CommentRow>();
  if (!row) throw new ApiError('not_found', `No comment ${commentId} on task ${id}.`);
  const user = c.get('user');
  if (row.author !== user.email && user.role !== 'admin')
    throw new ApiError(
      'forbidden',
      `Comment ${commentId} is ${row.author}’s: only an admin deletes another’s comment.`,
    );
  if (row.sent_in_run !== null)
    throw new ApiError(
      'conflict',
      `Comment ${commentId} went to the agent with run ${row.sent_in_run}: a sent comment stays.`,
    );
  const [removed] = await db.batch([
    db.prepare('DELETE FROM review_comments WHERE id = ? AND sent_in_run IS NULL').bind(commentId),
    auditAfter(db, {
      actor: user.email,
      action: 'review_comment.delete',
      id: commentId,
      requestId: c.get('requestId'),
      summary: { taskId: id, author: row.author, path: row.path, line: row.line, body: row.body },
    }),
  ]);
  if (removed?.meta.changes !== 1)
    throw new ApiError('conflict', `Comment ${commentId} was sent meanwhile: it stays.`);
  return c.body(null, 204);
});
