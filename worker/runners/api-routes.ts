import { OpenAPIHono } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import type { Context } from 'hono';
import { agents, missions, tasks } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { validationHook } from '../http/validation';
import { insertMission } from '../missions/propose';
import { dispatch } from '../tasks/dispatch';
import { agentSuccessStatement } from '../tasks/failures';
import { moveStatements } from '../tasks/transition';
import {
  capabilities,
  claimRoute,
  heartbeat,
  merged,
  proposeMission,
  release,
  report,
  verdicts,
} from './api-definitions';
import { declareCapabilities } from './capabilities';
import { claim } from './claim';
import { recordBeat } from './heartbeat';
import { applyReport } from './report';

export const runnerApiRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

/** The task, if this runner holds it in `status`; otherwise 409 so the runner lets go. */
async function heldTask(c: Context<HonoEnv>, id: string, status: 'RUNNING' | 'REVIEW') {
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
  const found = await claim(
    c.env,
    c.get('runner').id,
    c.req.valid('json').waitSeconds,
    c.req.raw.signal,
  );
  return found ? c.json(found, 200) : c.body(null, 204);
});

runnerApiRoutes.openapi(capabilities, async (c) => {
  const declared = c.req.valid('json').capabilities;
  await declareCapabilities(c.env, c.get('runner'), declared, c.get('requestId'));
  return c.json({ capabilities: declared }, 200);
});

runnerApiRoutes.openapi(heartbeat, async (c) => {
  const { id } = c.req.valid('param');
  const answer = await recordBeat(c.env, id, c.get('runner').id, c.req.valid('json'));
  if (answer) return c.json(answer, 200);
  // Not held here in RUNNING: heldTask answers 404 or 409 (stop) and says why.
  await heldTask(c, id, 'RUNNING');
  throw new ApiError('conflict', `Task ${id} moved while its heartbeat was recorded.`);
});

runnerApiRoutes.openapi(report, async (c) => {
  const task = await heldTask(c, c.req.valid('param').id, 'RUNNING');
  return c.json(await applyReport(c.env, task, c.get('runner').id, c.req.valid('json')), 200);
});

runnerApiRoutes.openapi(verdicts, async (c) => {
  const rows = await database(c.env)
    .select({
      taskId: tasks.id,
      branch: tasks.branch,
      baseBranch: tasks.baseBranch,
      repository: missions.repository,
    })
    .from(tasks)
    .innerJoin(missions, eq(missions.id, tasks.missionId))
    .where(
      and(
        eq(tasks.runnerId, c.get('runner').id),
        eq(tasks.status, 'REVIEW'),
        eq(tasks.verdict, 'approve'),
      ),
    )
    .all();
  const approved = rows.map((r) => ({
    ...r,
    branch: r.branch ?? `hq/${r.taskId}`,
    baseBranch: r.baseBranch ?? 'main',
  }));
  return c.json({ approved }, 200);
});

runnerApiRoutes.openapi(merged, async (c) => {
  const task = await heldTask(c, c.req.valid('param').id, 'REVIEW');
  const body = c.req.valid('json');
  if (task.verdict !== 'approve')
    throw new ApiError('conflict', `Task ${task.id} is not approved for merge.`);
  const actor = `runner:${c.get('runner').id}`;
  const now = Date.now();
  if (body.result === 'merged') {
    await c.env.DB.batch([
      ...moveStatements(
        c.env.DB,
        {
          taskId: task.id,
          from: 'REVIEW',
          to: 'DONE',
          actor,
          reason: `merged as ${body.mergeCommit}`,
          set: { finished_at: now, phase: 'merged' },
        },
        now,
      ),
      ...(task.agentId ? [agentSuccessStatement(c.env.DB, task.agentId)] : []),
    ]);
    return c.json({ status: 'DONE' as const }, 200);
  }
  const comments = `Merge conflict with ${task.baseBranch ?? 'the base branch'} in: ${body.files.join(', ')}`;
  await c.env.DB.batch(
    moveStatements(
      c.env.DB,
      {
        taskId: task.id,
        from: 'REVIEW',
        to: 'CHANGES_REQUESTED',
        actor,
        reason: comments,
        set: { review_comments: comments, verdict: 'changes' },
      },
      now,
    ),
  );
  await dispatch(c.env);
  return c.json({ status: 'CHANGES_REQUESTED' as const }, 200);
});

runnerApiRoutes.openapi(proposeMission, async (c) => {
  const { agent: slug, ...input } = c.req.valid('json');
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
  const mission = await insertMission(c.env, input, `agent:${slug}`, {
    actor: `runner:${runner.id}`,
    requestId: c.get('requestId'),
  });
  return c.json(mission, 201);
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
      set: { runner_id: null, phase: 'released' },
    }),
  );
  await dispatch(c.env);
  return c.json({ status: 'PENDING' as const }, 200);
});
