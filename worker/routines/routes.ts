import { OpenAPIHono, z } from '@hono/zod-openapi';
import { desc, isNull } from 'drizzle-orm';
import { routines } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { appOrigin } from '../http/origin';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { byOf, findRoutine, liveRoutine, viewOf } from './queries';
import { IdParam, Routine, RoutineInput, RoutinePatch, WebhookSecret } from './schemas';
import { changeRoutine, createRoutine, resumedSchedule, setState } from './store';
import { routineViews } from './views';

const tags = ['Routines'];

const list = defineRoute('viewer', {
  operationId: 'listRoutines',
  method: 'get',
  path: '/api/routines',
  tags,
  summary: 'Routines (not archived), newest first, each with its last fire',
  responses: { 200: jsonResponse(z.object({ items: z.array(Routine) }), 'The routines.') },
});

const get = defineRoute('viewer', {
  operationId: 'getRoutine',
  method: 'get',
  path: '/api/routines/{id}',
  tags,
  summary: 'One routine',
  request: { params: IdParam },
  responses: { 200: jsonResponse(Routine, 'The routine.') },
});

const create = defineRoute('operator', {
  operationId: 'createRoutine',
  method: 'post',
  path: '/api/routines',
  tags,
  summary: 'Create a routine (revision 0); a webhook secret is shown once, in this answer',
  request: { body: jsonBody(RoutineInput) },
  responses: {
    201: jsonResponse(
      z.object({ routine: Routine, webhookSecret: WebhookSecret }),
      'Created (webhookSecret null: no webhook).',
    ),
  },
});

const patch = defineRoute('operator', {
  operationId: 'updateRoutine',
  method: 'patch',
  path: '/api/routines/{id}',
  tags,
  summary: 'Edit a routine: a tracked change makes revision N+1 with its diff, who and why',
  request: { params: IdParam, body: jsonBody(RoutinePatch) },
  responses: {
    200: jsonResponse(
      Routine.extend({
        webhookSecret: WebhookSecret.optional().describe(
          'Only when this edit turned the webhook on: its secret, shown once.',
        ),
      }),
      'Edited (revision unchanged: nothing tracked changed).',
    ),
    409: jsonResponse(z.object({}), 'Archived, or changed by someone else at the same time.'),
  },
});

const state = (verb: 'pause' | 'resume') =>
  defineRoute('operator', {
    operationId: verb === 'pause' ? 'pauseRoutine' : 'resumeRoutine',
    method: 'post',
    path: `/api/routines/{id}/${verb}`,
    tags,
    summary:
      verb === 'pause'
        ? 'Pause (idempotent): no cron fire, and webhook and API fires are skipped'
        : 'Resume (idempotent): the schedule restarts from now; what it missed is not caught up',
    request: { params: IdParam },
    responses: { 200: jsonResponse(Routine, verb === 'pause' ? 'Paused.' : 'Resumed.') },
  });

const archive = defineRoute('operator', {
  operationId: 'archiveRoutine',
  method: 'delete',
  path: '/api/routines/{id}',
  tags,
  summary: 'Archive (idempotent): it never fires again; its fires and revisions stay',
  request: { params: IdParam },
  responses: { 200: jsonResponse(Routine, 'Archived.') },
});

export const routineRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

routineRoutes.openapi(list, async (c) => {
  const rows = await database(c.env)
    .select()
    .from(routines)
    .where(isNull(routines.archivedAt))
    .orderBy(desc(routines.createdAt), desc(routines.id))
    .all();
  return c.json({ items: await routineViews(c.env, rows, appOrigin(c)) }, 200);
});

routineRoutes.openapi(get, async (c) =>
  c.json(await viewOf(c, await findRoutine(c.env, c.req.valid('param').id)), 200),
);

routineRoutes.openapi(create, async (c) => {
  const { row, webhookSecret } = await createRoutine(c.env, c.req.valid('json'), byOf(c));
  return c.json({ routine: await viewOf(c, row), webhookSecret }, 201);
});

routineRoutes.openapi(patch, async (c) => {
  const row = await findRoutine(c.env, c.req.valid('param').id);
  const body = c.req.valid('json');
  const result = await changeRoutine(c.env, row, body, {
    ...byOf(c),
    action: 'routine.update',
    reason: body.reason,
  });
  const view = await viewOf(c, result.row);
  return c.json(
    result.webhookSecret ? { ...view, webhookSecret: result.webhookSecret } : view,
    200,
  );
});

routineRoutes.openapi(state('pause'), async (c) => {
  const row = await liveRoutine(c.env, c.req.valid('param').id);
  if (row.pausedAt !== null) return c.json(await viewOf(c, row), 200);
  const by = byOf(c);
  const paused = await setState(
    c.env,
    row,
    { pausedAt: Date.now(), pausedBy: by.actor, nextRunAt: null },
    { ...by, action: 'routine.pause' },
  );
  return c.json(await viewOf(c, paused), 200);
});

routineRoutes.openapi(state('resume'), async (c) => {
  const row = await liveRoutine(c.env, c.req.valid('param').id);
  if (row.pausedAt === null) return c.json(await viewOf(c, row), 200);
  const resumed = await setState(
    c.env,
    row,
    { pausedAt: null, pausedBy: null, ...resumedSchedule(row, Date.now()) },
    { ...byOf(c), action: 'routine.resume', summary: { pausedBy: row.pausedBy } },
  );
  return c.json(await viewOf(c, resumed), 200);
});

routineRoutes.openapi(archive, async (c) => {
  const row = await findRoutine(c.env, c.req.valid('param').id);
  if (row.archivedAt !== null) return c.json(await viewOf(c, row), 200);
  const archived = await setState(
    c.env,
    row,
    { archivedAt: Date.now(), nextRunAt: null },
    { ...byOf(c), action: 'routine.archive' },
  );
  return c.json(await viewOf(c, archived), 200);
});
