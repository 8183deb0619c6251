import { OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { tasks } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { cancelTask, reassignTask, retryTask } from './recover';
import { Task } from './schemas';
import { taskView } from './views';

const tags = ['Tasks'];
const IdParam = z.object({ id: z.string().min(1).max(100) });
const Reason = z.string().trim().max(1000).optional();
const AgentSlug = z.string().trim().min(1).max(60);
const refused = {
  409: jsonResponse(
    z.object({}),
    'Not a legal move from the task’s state (the allowed ones are named).',
  ),
};

const retry = defineRoute('operator', {
  operationId: 'retryTask',
  method: 'post',
  path: '/api/tasks/{id}/retry',
  tags,
  summary: 'Retry a FAILED task (back to PENDING, its history kept), optionally with another agent',
  request: {
    params: IdParam,
    body: jsonBody(
      z.strictObject({
        agent: AgentSlug.optional().describe('Hand the task to this agent (slug).'),
        reason: Reason,
      }),
    ),
  },
  responses: {
    200: jsonResponse(Task, 'Waiting for an agent again; its mission is open again.'),
    ...refused,
    422: jsonResponse(z.object({}), 'No active agent with that slug.'),
  },
});

const reassign = defineRoute('operator', {
  operationId: 'reassignTask',
  method: 'post',
  path: '/api/tasks/{id}/reassign',
  tags,
  summary: 'Hand a PENDING or ASSIGNED task to another agent',
  request: {
    params: IdParam,
    body: jsonBody(z.strictObject({ agent: AgentSlug.describe('Agent slug.'), reason: Reason })),
  },
  responses: {
    200: jsonResponse(Task, 'Reassigned.'),
    ...refused,
    422: jsonResponse(z.object({}), 'No active agent with that slug.'),
  },
});

const cancel = defineRoute('operator', {
  operationId: 'cancelTask',
  method: 'post',
  path: '/api/tasks/{id}/cancel',
  tags,
  summary: 'Cancel a task that is not finished (a running one stops at its next heartbeat)',
  request: { params: IdParam, body: jsonBody(z.strictObject({ reason: Reason })) },
  responses: { 200: jsonResponse(Task, 'Cancelled.'), ...refused },
});

export const taskRecoveryRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

async function view(env: Env, id: string) {
  const row = await database(env).select().from(tasks).where(eq(tasks.id, id)).get();
  if (!row) throw new ApiError('not_found', `No task ${id}.`);
  return taskView(row);
}

taskRecoveryRoutes.openapi(retry, async (c) => {
  const { id } = c.req.valid('param');
  const by = { actor: c.get('user').email, requestId: c.get('requestId') };
  await retryTask(c.env, by, id, c.req.valid('json'));
  return c.json(await view(c.env, id), 200);
});

taskRecoveryRoutes.openapi(reassign, async (c) => {
  const { id } = c.req.valid('param');
  const by = { actor: c.get('user').email, requestId: c.get('requestId') };
  await reassignTask(c.env, by, id, c.req.valid('json'));
  return c.json(await view(c.env, id), 200);
});

taskRecoveryRoutes.openapi(cancel, async (c) => {
  const { id } = c.req.valid('param');
  const by = { actor: c.get('user').email, requestId: c.get('requestId') };
  await cancelTask(c.env, by, id, c.req.valid('json'));
  return c.json(await view(c.env, id), 200);
});
