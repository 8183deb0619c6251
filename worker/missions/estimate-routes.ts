import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { missionEstimate } from './estimate';

const Usd = z.number().nullable();

export const MissionEstimate = z
  .object({
    tasks: z.array(
      z.object({
        title: z.string(),
        basis: z
          .enum(['agent', 'role', 'none'])
          .describe('Whose past tasks priced it: its likely agent, agents of its role, or none.'),
        who: z.string().nullable().describe('The agent slug or role name (`any worker`).'),
        samples: z.number().int().describe('Finished tasks (DONE or FAILED) of known cost.'),
        medianUsd: Usd,
        lowUsd: Usd,
        highUsd: Usd,
        range: z
          .enum(['p10-p90', 'min-max'])
          .nullable()
          .describe('Low and high: 10th and 90th percentiles, or min and max under 5 samples.'),
      }),
    ),
    total: z
      .object({ medianUsd: z.number(), lowUsd: z.number(), highUsd: z.number() })
      .nullable()
      .describe('Sums over the tasks with history; null when no task has any.'),
    pastTasks: z.number().int().describe('Distinct past tasks behind the estimate.'),
    noHistory: z.array(z.string()).describe('Titles of the planned tasks without history.'),
    budgetUsd: Usd,
    agents: z
      .array(z.object({ slug: z.string(), remainingMonthlyUsd: Usd }))
      .describe('The agents tasks would go to, with what their monthly budgets have left.'),
    warnings: z
      .array(z.string())
      .describe('Where the median exceeds the mission budget or an agent’s money left.'),
  })
  .openapi('MissionEstimate');

const estimate = defineRoute('viewer', {
  operationId: 'estimateMission',
  method: 'get',
  path: '/api/missions/{id}/estimate',
  tags: ['Missions'],
  summary: 'What the plan will likely cost, from the past cost of similar finished tasks',
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 200: jsonResponse(MissionEstimate, 'The estimate.') },
});

export const missionEstimateRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

missionEstimateRoutes.openapi(estimate, async (c) => {
  const { id } = c.req.valid('param');
  const found = await missionEstimate(c.env, id, Date.now());
  if (!found) throw new ApiError('not_found', `No mission ${id}.`);
  return c.json(found.estimate, 200);
});
