import { OpenAPIHono, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { missions, tasks } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { Task } from '../missions/schemas';
import { dispatch } from '../tasks/dispatch';
import { agentSuccessStatement } from '../tasks/failures';
import { moveStatements } from '../tasks/transition';
import { claim } from './claim';
import { applyReport } from './report';

const tags = ['Runner API'];
const TaskParam = z.object({ id: z.string().min(1).max(100) });
const Claimed = z.object({
  timeoutSeconds: z
    .number()
    .int()
    .describe('Heartbeat at least this often, or the task is requeued.'),
  task: Task,
  mission: z.object({
    id: z.string(),
    title: z.string(),
    repository: z.string(),
    targetBranch: z.string(),
  }),
  agent: z
    .object({
      slug: z.string(),
      name: z.string(),
      model: z.string(),
      provider: z.string(),
      identity: z.string(),
      tools: z.array(z.string()),
    })
    .nullable(),
});
const Numstat = z.strictObject({
  path: z.string().min(1).max(1000),
  added: z.number().int().min(0),
  removed: z.number().int().min(0),
});

const claimRoute = defineRoute('runner', {
  method: 'post',
  path: '/api/runner/claim',
  tags,
  summary: 'Claim the next assigned task (long-poll up to 25 s); 204 when none came',
  request: {
    body: jsonBody(z.strictObject({ waitSeconds: z.number().min(0).max(25).default(25) })),
  },
  responses: {
    200: jsonResponse(Claimed, 'A task is now RUNNING on this runner.'),
    204: { description: 'No task.' },
  },
});

const heartbeat = defineRoute('runner', {
  method: 'post',
  path: '/api/runner/tasks/{id}/heartbeat',
  tags,
  summary: 'Progress, phase and log tail of a running task; 409 tells the runner to stop',
  request: {
    params: TaskParam,
    body: jsonBody(
      z.strictObject({
        phase: z.string().max(60).optional(),
        progress: z.number().min(0).max(1).optional(),
        logTail: z.string().max(16_384).optional(),
      }),
    ),
  },
  responses: { 200: jsonResponse(z.object({ status: z.literal('RUNNING') }), 'Recorded.') },
});

const report = defineRoute('runner', {
  method: 'post',
  path: '/api/runner/tasks/{id}/report',
  tags,
  summary: 'Finish a run: commits, git diff --numstat against the base, tokens, cost, outcome',
  request: {
    params: TaskParam,
    body: jsonBody(
      z.strictObject({
        outcome: z.enum(['success', 'failure']),
        commits: z.array(z.string().regex(/^[0-9a-f]{7,64}$/, 'not a commit hash')).max(1000),
        numstat: z.array(Numstat).max(10_000),
        inputTokens: z.number().int().min(0),
        outputTokens: z.number().int().min(0),
        costUsd: z.number().min(0).max(100_000),
        provider: z.string().min(1).max(60),
        model: z.string().min(1).max(120),
        error: z.string().max(4000).optional(),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({ status: z.enum(['REVIEW', 'FAILED']), scopeViolations: z.array(z.string()) }),
      'Recorded.',
    ),
  },
});

const verdicts = defineRoute('runner', {
  method: 'get',
  path: '/api/runner/verdicts',
  tags,
  summary: 'Tasks this runner ran that reviewers approved: merge them, then confirm',
  responses: {
    200: jsonResponse(
      z.object({
        approved: z.array(
          z.object({
            taskId: z.string(),
            branch: z.string(),
            baseBranch: z.string(),
            repository: z.string(),
          }),
        ),
      }),
      'Approved tasks waiting for their merge.',
    ),
  },
});

const merged = defineRoute('runner', {
  method: 'post',
  path: '/api/runner/tasks/{id}/merge',
  tags,
  summary: 'Confirm the merge of an approved task (DONE), or report a conflict (CHANGES_REQUESTED)',
  request: {
    params: TaskParam,
    body: jsonBody(
      z.discriminatedUnion('result', [
        z.strictObject({
          result: z.literal('merged'),
          mergeCommit: z.string().regex(/^[0-9a-f]{7,64}$/),
        }),
        z.strictObject({
          result: z.literal('conflict'),
          files: z.array(z.string().max(1000)).min(1).max(1000),
        }),
      ]),
    ),
  },
  responses: {
    200: jsonResponse(z.object({ status: z.enum(['DONE', 'CHANGES_REQUESTED']) }), 'Recorded.'),
  },
});

export const runnerApiRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

/** The task, if this runner holds it in `status`; otherwise 409 so the runner lets go. */
async function heldTask(c: Context<HonoEnv>, id: string, status: 'RUNNING' | 'REVIEW') {
  const runner = c.get('runner');
  const task = await database(c.env).select().from(tasks).where(eq(tasks.id, id)).get();
  if (!task) throw new ApiError(404, 'not_found', `No task ${id}.`);
  if (task.runnerId !== runner.id || task.status !== status) {
    throw new ApiError(
      409,
      'conflict',
      `Task ${id} is ${task.status} and not ${status} on runner ${runner.name}.`,
    );
  }
  return task;
}

runnerApiRoutes.openapi(claimRoute, async (c) => {
  const found = await claim(c.env, c.get('runner').id, c.req.valid('json').waitSeconds);
  return found ? c.json(found, 200) : c.body(null, 204);
});

runnerApiRoutes.openapi(heartbeat, async (c) => {
  const { id } = c.req.valid('param');
  const beat = c.req.valid('json');
  const result = await c.env.DB.prepare(
    `UPDATE tasks SET last_heartbeat_at = ?, phase = coalesce(?, phase), progress = coalesce(?, progress),
     log_tail = coalesce(?, log_tail), updated_at = ? WHERE id = ? AND runner_id = ? AND status = 'RUNNING'`,
  )
    .bind(
      Date.now(),
      beat.phase ?? null,
      beat.progress ?? null,
      beat.logTail ?? null,
      Date.now(),
      id,
      c.get('runner').id,
    )
    .run();
  if (result.meta.changes !== 1) await heldTask(c, id, 'RUNNING');
  return c.json({ status: 'RUNNING' as const }, 200);
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
    throw new ApiError(409, 'conflict', `Task ${task.id} is not approved for merge.`);
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
