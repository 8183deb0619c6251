import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { getPlanningJob, PlanningJob } from './views';

export const planningJobRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

const getJob = defineRoute('viewer', {
  operationId: 'getPlanningJob',
  method: 'get',
  path: '/api/planning-jobs/{id}',
  tags: ['Routines'],
  summary: 'A planning run: what it read, what it proposed and merged, its spend or why it failed',
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 200: jsonResponse(PlanningJob, 'The job.') },
});

planningJobRoutes.openapi(getJob, async (c) =>
  c.json(await getPlanningJob(c.env.DB, c.req.valid('param').id), 200),
);
