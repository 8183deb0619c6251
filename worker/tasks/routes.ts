import { OpenAPIHono, z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { TASK_STATUSES, taskEvents, tasks } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { readsAfterSignIn } from '../http/sign-in-reads';
import { validationHook } from '../http/validation';
import { taskListRoutes } from './lists/routes';
import { reviewTask } from './review';
import { Task } from './schemas';
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

/** The task and its history, read with the sign-in check: one round trip for the whole answer. */
const getReads = (c: Context<HonoEnv>) => {
  const db = database(c.env);
  const id = c.req.param('id') ?? '';
  return [
    db.select().from(tasks).where(eq(tasks.id, id)),
    db.select().from(taskEvents).where(eq(taskEvents.taskId, id)).orderBy(asc(taskEvents.id)),
  ] as const;
};

const get = defineRoute(
  'viewer',
  {
    operationId: 'getTask',
    method: 'get',
    path: '/api/tasks/{id}',
    tags,
    summary: 'One task with its event timeline',
    request: { params: IdParam },
    responses: { 200: jsonResponse(Task.extend({ events: z.array(TaskEvent) }), 'The task.') },
  },
  { readsWithSignIn: getReads },
);

const review = defineRoute('operator', {
  operationId: 'reviewTask',
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
  const { id } = c.req.valid('param');
  // Read with the sign-in check (it is on the core path, `npm run bench`).
  const [[row], events] = await readsAfterSignIn(c, getReads);
  if (!row) throw new ApiError('not_found', `No task ${id}.`);
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
  const { id } = c.req.valid('param');
  const { verdict, comments } = c.req.valid('json');
  await reviewTask(c.env, {
    taskId: id,
    verdict,
    comments,
    actor: c.get('user').email,
    requestId: c.get('requestId'),
  });
  return c.json(taskView(await load(c.env, id)), 200);
});
