import { OpenAPIHono } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { validationHook } from '../http/validation';
import { leaseReviewJob } from '../reviews/jobs/claim';
import { failJobStatements } from '../reviews/jobs/ending';
import { applyReviewReport } from '../reviews/jobs/report';
import { releaseReviewJob } from '../reviews/jobs/views';
import { runnerOffer } from './capabilities';
import { reviewClaimRoute, reviewReleaseRoute, reviewReportRoute } from './review-definitions';
import { runAgent } from './run-agent';

export const runnerReviewRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

runnerReviewRoutes.openapi(reviewClaimRoute, async (c) => {
  const runnerId = c.get('runner').id;
  const offer = await runnerOffer(c.env, runnerId);
  if (!offer.repositories.length) return c.body(null, 204);
  for (;;) {
    const leased = await leaseReviewJob(c.env, runnerId, offer);
    if (!leased) return c.body(null, 204);
    const { reviewer, ...rest } = leased;
    const prepared = await runAgent(c.env, reviewer);
    if ('agent' in prepared)
      return c.json(
        {
          ...rest,
          job: { id: rest.job.id, taskId: rest.job.taskId, headCommit: rest.job.headCommit },
          reviewer: prepared.agent,
        },
        200,
      );
    // Its MCP secrets no longer open: that job fails with why, the next one may still run.
    await c.env.DB.batch(failJobStatements(c.env.DB, rest.job, prepared.problem, Date.now()));
  }
});

runnerReviewRoutes.openapi(reviewReportRoute, async (c) => {
  const body = c.req.valid('json');
  const answer = await applyReviewReport(
    c.env,
    c.req.valid('param').id,
    c.get('runner'),
    body,
    c.get('requestId'),
  );
  return c.json(answer, 200);
});

runnerReviewRoutes.openapi(reviewReleaseRoute, async (c) =>
  c.json(
    await releaseReviewJob(
      c.env.DB,
      c.req.valid('param').id,
      c.get('runner'),
      c.req.valid('json').reason,
    ),
    200,
  ),
);
