import { OpenAPIHono } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import type { Context } from 'hono';
import { agents, tasks } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { appOrigin } from '../http/origin';
import { validationHook } from '../http/validation';
import { proposeOrMerge } from '../missions/agent-proposal';
import { checkPlanningProposal, countProposalStatement } from '../planning/report';
import { dispatch } from '../tasks/dispatch';
import { moveStatements } from '../tasks/transition';
import { capabilities, claimRoute, heartbeat, proposeMission, release } from './api-definitions';
import { declareCapabilities, runnerOffer } from './capabilities';
import { claim } from './claim';
import { diskStatement } from './disk';
import { admitRunner, runnerStatements } from './guard';
import { recordBeat } from './heartbeat';
import { applyMerge, leaseApproved } from './merge';
import { merged, report, verdicts } from './merge-definitions';
import { applyReport } from './report';

export const runnerApiRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

/** The task, if this runner holds it RUNNING; otherwise 409 so the runner lets go. */
async function heldTask(c: Context<HonoEnv>, id: string, status: 'RUNNING') {
  const runner = c.get('runner');
  const task = await database(c.env).select().from(tasks).where(eq(tasks.id, id)).get();
  if (!task) throw new ApiError('not_found', `No task ${id}.`);
  if (task.runnerId !== runner.id || task.status !== status) {
    throw new ApiError(
      'conflict',
      `Task ${id} is ${task.status} and not ${status} on runner ${runner.name}.`,
    );
  }
  return task;
}

runnerApiRoutes.openapi(claimRoute, async (c) => {
  const { waitSeconds, disk } = c.req.valid('json');
  const tokenHash = c.get('runnerTokenHash');
  const now = Date.now();
  // The first attempt's batch: the runner's check and contact time, and the disk it reported.
  const first = [
    ...runnerStatements(c.env.DB, tokenHash, now),
    ...(disk ? [diskStatement(c.env.DB, { tokenHash }, disk, now)] : []),
  ];
  const found = await claim(
    c.env,
    tokenHash,
    first,
    waitSeconds,
    {
      mcpUrl: `${appOrigin(c)}/mcp`,
      defer: (work) => c.executionCtx.waitUntil(work),
      admit: (raw) => {
        admitRunner(c, raw);
        return c.get('runner');
      },
    },
    c.req.raw.signal,
  );
  return found ? c.json(found, 200) : c.body(null, 204);
});

runnerApiRoutes.openapi(capabilities, async (c) => {
  const body = c.req.valid('json');
  const declared = {
    capabilities: body.capabilities,
    repositories: body.repositories ?? null,
    runnerVersion: body.runnerVersion ?? null,
  };
  await declareCapabilities(c.env, c.get('runner'), declared, c.get('requestId'));
  return c.json(declared, 200);
});

runnerApiRoutes.openapi(heartbeat, async (c) => {
  const { id } = c.req.valid('param');
  const beat = await recordBeat(c.env, id, c.get('runnerTokenHash'), c.req.valid('json'));
  admitRunner(c, beat.runner);
  if (beat.answer) return c.json(beat.answer, 200);
  // Not held here in RUNNING: heldTask answers 404 or 409 (stop) and says why.
  await heldTask(c, id, 'RUNNING');
  throw new ApiError('conflict', `Task ${id} moved while its heartbeat was recorded.`);
});

runnerApiRoutes.openapi(report, async (c) => {
  const task = await heldTask(c, c.req.valid('param').id, 'RUNNING');
  return c.json(await applyReport(c.env, task, c.get('runner').id, c.req.valid('json')), 200);
});

runnerApiRoutes.openapi(verdicts, async (c) => {
  const runnerId = c.get('runner').id;
  const { repositories } = await runnerOffer(c.env, runnerId);
  return c.json({ approved: await leaseApproved(c.env, runnerId, repositories) }, 200);
});

runnerApiRoutes.openapi(merged, async (c) => {
  const id = c.req.valid('param').id;
  const task = await database(c.env).select().from(tasks).where(eq(tasks.id, id)).get();
  if (!task) throw new ApiError('not_found', `No task ${id}.`);
  const status = await applyMerge(c.env, task, c.get('runner'), c.req.valid('json'));
  return c.json({ status }, 200);
});

runnerApiRoutes.openapi(proposeMission, async (c) => {
  const { agent: slug, planningJobId, ...input } = c.req.valid('json');
  const agent = await database(c.env)
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.slug, slug), isNull(agents.archivedAt)))
    .get();
  if (!agent) {
    throw new ApiError('validation_failed', `agent: no active agent "${slug}".`, {
      fields: [{ field: 'agent', in: 'body', message: 'no such active agent' }],
    });
  }
  const runner = c.get('runner');
  if (planningJobId)
    await checkPlanningProposal(c.env.DB, planningJobId, runner, {
      agent: slug,
      repository: input.repository,
    });
  const { outcome, mission } = await proposeOrMerge(c.env, input, `agent:${slug}`, {
    actor: `runner:${runner.id}`,
    requestId: c.get('requestId'),
  });
  if (planningJobId) await countProposalStatement(c.env.DB, planningJobId, outcome).run();
  return outcome === 'proposed'
    ? c.json({ ...mission, outcome }, 201)
    : c.json({ ...mission, outcome }, 200);
});

runnerApiRoutes.openapi(release, async (c) => {
  const task = await heldTask(c, c.req.valid('param').id, 'RUNNING');
  await c.env.DB.batch(
    moveStatements(c.env.DB, {
      taskId: task.id,
      from: 'RUNNING',
      to: 'PENDING',
      actor: `runner:${c.get('runner').id}`,
      reason: c.req.valid('json').reason,
      // runner_id stays: this runner holds the head of an earlier round, if there is one.
      set: { phase: 'released' },
    }),
  );
  await dispatch(c.env);
  return c.json({ status: 'PENDING' as const }, 200);
});
