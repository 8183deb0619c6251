import { OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import { MISSION_STATUSES, missions, settings as settingsTable } from '../../drizzle/schema';
import { signInToCheck } from '../auth/sign-in-in-batch';
import { missionsSpent } from '../budgets/spent';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { readsAfterSignIn } from '../http/sign-in-reads';
import { validationHook } from '../http/validation';
import { settingsFrom } from '../settings/store';
import { dispatchReadItems, type Waiting } from '../tasks/dispatch';
import type { AgentFacts } from '../tasks/eligibility';
import { detail } from './answer';
import { cancelMission } from './cancel';
import { decide, type ReadAhead } from './decide';
import { insertMission, insertMissionSignedIn } from './propose';
import { Mission, MissionDetail, ProposeMission } from './schemas';
import { missionView } from './views';

const tags = ['Missions'];
const IdParam = z.object({ id: z.string().min(1).max(100) });
const Decision = z.strictObject({ reason: z.string().trim().max(1000).optional() });
const Verdict = Decision.extend({
  revision: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('The revision you were shown: a later edit makes this a 409, not a decision.'),
});

const list = defineRoute('viewer', {
  operationId: 'listMissions',
  method: 'get',
  path: '/api/missions',
  tags,
  summary: 'Missions, newest first',
  request: {
    query: z.strictObject({
      status: z.enum(MISSION_STATUSES).optional(),
      cursor: z.string().regex(/^\d+$/, 'must be the nextCursor of a previous page').optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(Mission), nextCursor: z.string().nullable() }),
      'A page of missions.',
    ),
  },
});

const get = defineRoute('viewer', {
  operationId: 'getMission',
  method: 'get',
  path: '/api/missions/{id}',
  tags,
  summary: 'One mission with its tasks',
  request: { params: IdParam },
  responses: { 200: jsonResponse(MissionDetail, 'The mission.') },
});

const propose = defineRoute(
  'operator',
  {
    operationId: 'proposeMission',
    method: 'post',
    path: '/api/missions',
    tags,
    summary: 'Propose a mission with its planned tasks',
    request: { body: jsonBody(ProposeMission) },
    responses: { 201: jsonResponse(Mission, 'Proposed.') },
  },
  { signInCheckedInBatch: true },
);

/**
 * What a decision reads first, in the sign-in check's batch: the mission; an approval also the
 * settings and what dispatch reads, so it dispatches in its decision's own batch (decide.ts).
 */
const rejectionReads = (c: Context<HonoEnv>) =>
  [
    database(c.env)
      .select()
      .from(missions)
      .where(eq(missions.id, c.req.param('id') ?? '')),
  ] as const;
const approvalReads = (c: Context<HonoEnv>) => {
  const db = database(c.env);
  return [
    ...rejectionReads(c),
    db.select().from(settingsTable),
    ...dispatchReadItems(db, Date.now()),
  ] as const;
};

const decision = (verb: 'approve' | 'reject') =>
  defineRoute(
    'operator',
    {
      operationId: verb === 'approve' ? 'approveMission' : 'rejectMission',
      method: 'post',
      path: `/api/missions/{id}/${verb}`,
      tags,
      summary:
        verb === 'approve'
          ? 'Approve (idempotent): its tasks become PENDING and are dispatched'
          : 'Reject (idempotent)',
      request: { params: IdParam, body: jsonBody(Verdict) },
      responses: {
        200: jsonResponse(
          MissionDetail.extend({ changed: z.boolean() }),
          'Decided (changed false: it already was).',
        ),
        409: jsonResponse(z.object({}), 'Already decided the other way, or edited meanwhile.'),
      },
    },
    { readsWithSignIn: verb === 'approve' ? approvalReads : rejectionReads },
  );

const cancel = defineRoute('operator', {
  operationId: 'cancelMission',
  method: 'post',
  path: '/api/missions/{id}/cancel',
  tags,
  summary: 'Cancel an APPROVED (or FAILED) mission: its open tasks are cancelled, running ones too',
  request: { params: IdParam, body: jsonBody(Decision) },
  responses: {
    200: jsonResponse(MissionDetail, 'Cancelled.'),
    409: jsonResponse(z.object({}), 'The mission is not APPROVED or FAILED.'),
  },
});

/** An approval's reads after the mission, as decide takes them (a rejection has none). */
function aheadFrom(ahead: unknown[]): ReadAhead {
  const [stored, waiting, agents] = ahead as [
    { key: string; value: unknown }[] | undefined,
    Waiting[],
    AgentFacts[],
  ];
  return stored ? { settings: settingsFrom(stored), dispatchRead: { waiting, agents } } : {};
}

export const missionRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

missionRoutes.openapi(list, async (c) => {
  const { status, cursor, limit } = c.req.valid('query');
  const rows = await database(c.env)
    .select()
    .from(missions)
    .where(
      and(
        status ? eq(missions.status, status) : undefined,
        cursor ? lt(missions.createdAt, Number(cursor)) : undefined,
      ),
    )
    .orderBy(desc(missions.createdAt))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const spent = await missionsSpent(
    c.env.DB,
    page.map((m) => m.id),
  );
  return c.json(
    {
      items: page.map((m) => missionView(m, spent.get(m.id) ?? null)),
      nextCursor: rows.length > limit && last ? String(last.createdAt) : null,
    },
    200,
  );
});

missionRoutes.openapi(get, async (c) =>
  c.json((await detail(c.env, c.req.valid('param').id)).view, 200),
);

missionRoutes.openapi(propose, async (c) => {
  // A remembered session is checked in the proposal's own batch: one round trip.
  const check = signInToCheck(c);
  if (check) return c.json(await insertMissionSignedIn(c, c.req.valid('json'), check), 201);
  const mission = await insertMission(c.env, c.req.valid('json'), c.get('user').email, {
    actor: c.get('user').email,
    requestId: c.get('requestId'),
  });
  return c.json(mission, 201);
});

for (const verb of ['approve', 'reject'] as const) {
  missionRoutes.openapi(decision(verb), async (c) => {
    const { id } = c.req.valid('param');
    const [[row], ...ahead] =
      verb === 'approve'
        ? await readsAfterSignIn(c, approvalReads)
        : await readsAfterSignIn(c, rejectionReads);
    if (!row) throw new ApiError('not_found', `No mission ${id}.`);
    const { reason, revision } = c.req.valid('json');
    const { changed, answer } = await decide(
      c.env,
      { actor: c.get('user').email, requestId: c.get('requestId') },
      // The revision the caller was shown, when it says so: decide's update must match it.
      { ...row, revision: revision ?? row.revision },
      verb === 'approve' ? 'APPROVED' : 'REJECTED',
      reason ?? null,
      { ...aheadFrom(ahead), answer: true },
    );
    return c.json({ ...answer.view, changed }, 200);
  });
}

missionRoutes.openapi(cancel, async (c) => {
  const { id } = c.req.valid('param');
  await cancelMission(
    c.env,
    { actor: c.get('user').email, requestId: c.get('requestId') },
    id,
    c.req.valid('json').reason ?? null,
  );
  return c.json((await detail(c.env, id)).view, 200);
});
