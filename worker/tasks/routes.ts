import { OpenAPIHono, z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { TASK_STATUSES, taskEvents, tasks } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { taskApprovedStatement } from '../events/outbox';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { dispatch } from './dispatch';
import { taskListRoutes } from './lists/routes';
import { Task } from './schemas';
import { moveStatements } from './transition';
import { taskView } from './views';

const tags = ['Tasks'];
const IdParam = z.object({ id: z.string().min(1).max(100) });
const TaskEvent = z.object({
  actor: z.string(),
  from: z.enum(TASK_STATUSES).nullable(),
  to: z.enum(TASK_STATUSES),
  reason: z.string().nullable(),
  at: z.string(),
});

const get = defineRoute('viewer', {
  method: 'get',
  path: '/api/tasks/{id}',
  tags,
  summary: 'One task with its event timeline',
  request: { params: IdParam },
  responses: { 200: jsonResponse(Task.extend({ events: z.array(TaskEvent) }), 'The task.') },
});

const review = defineRoute('operator', {
  method: 'post',
  path: '/api/tasks/{id}/review',
  tags,
  summary: 'Review a task in REVIEW: approve (the runner merges it) or request changes',
  request: {
    params: IdParam,
    body: jsonBody(
      z.strictObject({
        verdict: z.enum(['approve', 'changes']),
        comments: z.string().trim().max(20_000).default(''),
      }),
    ),
  },
  responses: { 200: jsonResponse(Task, 'Reviewed.') },
});

export const taskRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });
// First: its /api/tasks/counts and /api/tasks/throughput must win over /api/tasks/{id}.
taskRoutes.route('/', taskListRoutes);

async function load(env: Env, id: string) {
  const row = await database(env).select().from(tasks).where(eq(tasks.id, id)).get();
  if (!row) throw new ApiError('not_found', `No task ${id}.`);
  return row;
}

taskRoutes.openapi(get, async (c) => {
  const row = await load(c.env, c.req.valid('param').id);
  const events = await database(c.env)
    .select()
    .from(taskEvents)
    .where(eq(taskEvents.taskId, row.id))
    .orderBy(asc(taskEvents.id))
    .all();
  return c.json(
    {
      ...taskView(row),
      events: events.map((e) => ({
        actor: e.actor,
        from: e.fromStatus,
        to: e.toStatus,
        reason: e.reason,
        at: new Date(e.createdAt).toISOString(),
      })),
    },
    200,
  );
});

taskRoutes.openapi(review, async (c) => {
  const row = await load(c.env, c.req.valid('param').id);
  const { verdict, comments } = c.req.valid('json');
  if (row.status !== 'REVIEW' || row.verdict === 'approve') {
    throw new ApiError(
      'conflict',
      `Task ${row.id} is ${row.status}${row.verdict === 'approve' ? ' and already approved' : ''}; only a task waiting in REVIEW can be reviewed.`,
    );
  }
  const db = c.env.DB;
  const actor = c.get('user').email;
  const audit = auditRow(database(c.env), {
    actor,
    requestId: c.get('requestId'),
    action: `task.review.${verdict}`,
    entityType: 'task',
    entityId: row.id,
    summary: { comments },
  });
  if (verdict === 'approve') {
    // Approval keeps the task in REVIEW, marked for its runner to merge; the merge makes it DONE.
    // Its event (only if this approval won) closes the review's Telegram messages now.
    const now = Date.now();
    const [result] = await db.batch([
      db
        .prepare(
          "UPDATE tasks SET verdict = 'approve', review_comments = ?, updated_at = ? WHERE id = ? AND status = 'REVIEW' AND verdict IS NULL",
        )
        .bind(comments || null, now, row.id),
      taskApprovedStatement(
        db,
        { taskId: row.id, actor, comments: comments || null },
        now,
        'changes() = 1',
      ),
    ]);
    if (result?.meta.changes !== 1)
      throw new ApiError('conflict', `Task ${row.id} changed meanwhile; reload it.`);
    await audit.run();
  } else {
    if (!comments)
      throw new ApiError('validation_failed', 'Say what to change.', {
        fields: [{ field: 'comments', in: 'body', message: 'required when requesting changes' }],
      });
    const [update] = await db.batch(
      moveStatements(db, {
        taskId: row.id,
        from: 'REVIEW',
        to: 'CHANGES_REQUESTED',
        actor,
        reason: comments,
        set: { review_comments: comments, verdict: 'changes' },
      }),
    );
    if (update?.meta.changes !== 1)
      throw new ApiError('conflict', `Task ${row.id} changed meanwhile; reload it.`);
    await audit.run();
    await dispatch(c.env);
  }
  return c.json(taskView(await load(c.env, row.id)), 200);
});
