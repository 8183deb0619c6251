import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { HonoEnv } from '../../env';
import { ApiError } from '../../http/errors';
import { defineRoute, jsonResponse } from '../../http/route';
import { validationHook } from '../../http/validation';
import { stuckTasks, whyOf } from './explain';

const tags = ['Tasks'];

const Gate = z
  .object({
    id: z
      .string()
      .describe(
        'Stable: mission, paused, agent_hint, role_hint, worker_exists, agent, mission_budget, runner, heartbeat, review, merge.',
      ),
    label: z.string(),
    state: z
      .enum(['pass', 'fail', 'wait', 'skip'])
      .describe('wait: normal waiting on people, a schedule or a merge; fail: stuck until fixed.'),
    fact: z.string(),
    fix: z.string().nullable(),
  })
  .openapi('Gate');

const Why = z
  .object({
    taskId: z.string(),
    title: z.string(),
    status: z.string(),
    since: z.string().describe('When the task entered its current status.'),
    stuck: z.boolean(),
    firstFailing: z.union([Gate, z.null()]),
    gates: z.array(Gate),
  })
  .openapi('Why');

const stuck = defineRoute('viewer', {
  operationId: 'listStuckTasks',
  method: 'get',
  path: '/api/tasks/stuck',
  tags,
  summary: 'Every open task that is stuck, stalest first (at most 100), each with its gates',
  responses: { 200: jsonResponse(z.object({ items: z.array(Why) }), 'The stuck tasks.') },
});

const why = defineRoute('viewer', {
  operationId: 'explainTask',
  method: 'get',
  path: '/api/tasks/{id}/why',
  tags,
  summary: 'Why a task is where it is: every gate to its next step, with the fact and the fix',
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 200: jsonResponse(Why, 'The gates.') },
});

/** Mounted before the task routes, so `stuck` is never read as a task id. */
export const whyRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

whyRoutes.openapi(stuck, async (c) => c.json({ items: await stuckTasks(c.env) }, 200));

whyRoutes.openapi(why, async (c) => {
  const { id } = c.req.valid('param');
  const found = await whyOf(c.env, id);
  if (!found) throw new ApiError('not_found', `No task ${id}.`);
  return c.json(found, 200);
});
