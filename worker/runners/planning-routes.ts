import { OpenAPIHono } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { validationHook } from '../http/validation';
import { leasePlanningJob } from '../planning/claim';
import { failPlanningStatement } from '../planning/ending';
import { announceFailedRuns } from '../planning/notify';
import { applyPlanningReport } from '../planning/report';
import { releaseLeasedJob } from '../reviews/jobs/views';
import { runnerOffer } from './capabilities';
import {
  planningClaimRoute,
  planningReleaseRoute,
  planningReportRoute,
} from './planning-definitions';
import { runAgent } from './run-agent';

export const runnerPlanningRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

runnerPlanningRoutes.openapi(planningClaimRoute, async (c) => {
  const runner = c.get('runner');
  const offer = await runnerOffer(c.env, runner.id);
  if (!offer.repositories.length) return c.body(null, 204);
  for (;;) {
    const leased = await leasePlanningJob(c.env, runner.id, offer);
    if (!leased) return c.body(null, 204);
    const prepared = await runAgent(c.env, leased.agent);
    if ('agent' in prepared) return c.json({ ...leased, agent: prepared.agent }, 200);
    // Its MCP secrets no longer open: that job fails with why, the next one may still run.
    await failPlanningStatement(c.env.DB, leased.job.id, prepared.problem, Date.now()).run();
    await announceFailedRuns(c.env, { id: leased.job.id });
  }
});

runnerPlanningRoutes.openapi(planningReportRoute, async (c) =>
  c.json(
    await applyPlanningReport(c.env, c.req.valid('param').id, c.get('runner'), c.req.valid('json')),
    200,
  ),
);

runnerPlanningRoutes.openapi(planningReleaseRoute, async (c) =>
  c.json(
    await releaseLeasedJob(
      c.env.DB,
      'planning_jobs',
      c.req.valid('param').id,
      c.get('runner'),
      c.req.valid('json').reason,
    ),
    200,
  ),
);
