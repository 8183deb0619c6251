import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { HonoEnv } from '../../env';
import { defineRoute, jsonResponse } from '../../http/route';
import { validationHook } from '../../http/validation';
import { listReviewJobs, ReviewJob } from './views';

export const reviewJobRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

const listJobs = defineRoute('viewer', {
  operationId: 'listTaskReviewJobs',
  method: 'get',
  path: '/api/tasks/{id}/review-jobs',
  tags: ['Reviews'],
  summary: 'The reviewer agent’s passes over the task’s heads, newest first',
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 200: jsonResponse(z.object({ items: z.array(ReviewJob) }), 'The jobs.') },
});

reviewJobRoutes.openapi(listJobs, async (c) =>
  c.json({ items: await listReviewJobs(c.env.DB, c.req.valid('param').id) }, 200),
);
