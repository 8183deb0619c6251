import { OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { missions } from '../../drizzle/schema';
import { ChangeEntry } from '../agents/schemas';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { detail } from './answer';
import { editMission } from './edit';
import { missionHistory, missionRevisionList } from './history';
import { EditMission, MissionDetail, MissionHistoryItem, MissionRevision } from './schemas';

const tags = ['Missions'];
const IdParam = z.object({ id: z.string().min(1).max(100) });

const edit = defineRoute('operator', {
  operationId: 'editMission',
  method: 'patch',
  path: '/api/missions/{id}',
  tags,
  summary: 'Edit a PROPOSED mission’s plan: a numbered revision with its diff and reason',
  request: { params: IdParam, body: jsonBody(EditMission) },
  responses: {
    200: jsonResponse(
      MissionDetail.extend({
        changed: z.boolean().describe('false: the edit matched the plan already, no revision.'),
        changes: z.array(ChangeEntry),
      }),
      'Edited (changed false: the edit matched the plan already).',
    ),
    409: jsonResponse(z.object({}), 'Not PROPOSED any more, or edited at the same time.'),
  },
});

const revisions = defineRoute('viewer', {
  operationId: 'listMissionRevisions',
  method: 'get',
  path: '/api/missions/{id}/revisions',
  tags,
  summary: 'The mission’s revisions, newest first (0 is as proposed), with their diffs',
  request: { params: IdParam },
  responses: {
    200: jsonResponse(z.object({ items: z.array(MissionRevision) }), 'The revisions.'),
  },
});

const history = defineRoute('viewer', {
  operationId: 'getMissionHistory',
  method: 'get',
  path: '/api/missions/{id}/history',
  tags,
  summary: 'What happened to the mission, oldest first: proposed, edits, decision, tasks, end',
  request: { params: IdParam },
  responses: {
    200: jsonResponse(z.object({ items: z.array(MissionHistoryItem) }), 'The history.'),
  },
});

export const missionEditRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

async function findMission(env: Env, id: string) {
  const row = await database(env).select().from(missions).where(eq(missions.id, id)).get();
  if (!row) throw new ApiError('not_found', `No mission ${id}.`);
  return row;
}

missionEditRoutes.openapi(edit, async (c) => {
  const { id } = c.req.valid('param');
  const row = await findMission(c.env, id);
  const { changed, changes } = await editMission(c.env, row, c.req.valid('json'), {
    actor: c.get('user').email,
    requestId: c.get('requestId'),
  });
  return c.json({ ...(await detail(c.env, id)).view, changed, changes }, 200);
});

missionEditRoutes.openapi(revisions, async (c) => {
  const row = await findMission(c.env, c.req.valid('param').id);
  return c.json({ items: await missionRevisionList(c.env, row) }, 200);
});

missionEditRoutes.openapi(history, async (c) => {
  const row = await findMission(c.env, c.req.valid('param').id);
  return c.json({ items: await missionHistory(c.env, row) }, 200);
});
