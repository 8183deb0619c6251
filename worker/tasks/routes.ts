import { OpenAPIHono, z } from '@hono/zod-openapi';
import { and, asc, desc, eq, lt, type SQL } from 'drizzle-orm';
import { agents, TASK_STATUSES, taskEvents, tasks } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { taskApprovedStatement } from '../events/outbox';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { dispatch } from './dispatch';
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

const list = defineRoute('viewer', {
  method: 'get',
  path: '/api/tasks',
  tags,
  summary: 'Tasks, newest first, by status, mission or agent',
  request: {
    query: z.strictObject({
      status: z.enum(TASK_STATUSES).optional(),
      missionId: z.string().max(100).optional(),
      agent: z.string().max(60).optional().describe('Agent slug.'),
      cursor: z.string().regex(/^\d+$/, 'must be the nextCursor of a previous page').optional(),
      limit: z.coerce.number().int().min(1).max(200).default(100),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(Task), nextCursor: z.string().nullable() }),
      'A page of tasks.',
    ),
  },
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

async function load(env: Env, id: string) {
  const row = await database(env).select().from(tasks).where(eq(tasks.id, id)).get();
  if (!row) throw new ApiError('not_found', `No task ${id}.`);
  return row;
}

taskRoutes.openapi(list, async (c) => {
  const q = c.req.valid('query');
  const db = database(c.env);
  const where: SQL[] = [];
  if (q.status) where.push(eq(tasks.status, q.status));
  if (q.missionId) where.push(eq(tasks.missionId, q.missionId));
  if (q.agent) {
    const agent = await db
      .select({ id: agents.id })
      .from(agents)
      .where(eq(agents.slug, q.agent))
      .get();
    where.push(eq(tasks.agentId, agent?.id ?? '(none)'));
  }
  if (q.cursor) where.push(lt(tasks.createdAt, Number(q.cursor)));
  const rows = await db
    .select()
    .from(tasks)
    .where(and(...where))
    .orderBy(desc(tasks.createdAt))
    .limit(q.limit + 1)
    .all();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return c.json(
    {
      items: page.map(taskView),
      nextCursor: rows.length > q.limit && last ? String(last.createdAt) : null,
    },
    200,
  );
});

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
