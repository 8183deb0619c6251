import { OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { missions } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { DomainError } from '../errors';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { decide } from './decide';
import { insertMission } from './propose';
import { Mission, ProposeMission } from './schemas';

// Editing a proposal (a draft of the CEO's, or anyone's): the edited version is proposed as a
// new mission and the one it replaces is rejected with the reason "replaced by <new id>", so
// the two never wait side by side and the history says where the draft went.

const replace = defineRoute('operator', {
  operationId: 'replaceMission',
  method: 'post',
  path: '/api/missions/{id}/replace',
  tags: ['Missions'],
  summary:
    'Propose an edited version of a PROPOSED mission: the new one is PROPOSED, the old one REJECTED as "replaced by <new id>"',
  request: {
    params: z.object({ id: z.string().min(1).max(100) }),
    body: jsonBody(ProposeMission),
  },
  responses: {
    201: jsonResponse(Mission, 'The new proposal.'),
    409: jsonResponse(z.object({}), 'The mission is no longer PROPOSED.'),
  },
});

export const missionReplaceRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

missionReplaceRoutes.openapi(replace, async (c) => {
  const { id } = c.req.valid('param');
  const db = database(c.env);
  const old = await db.select().from(missions).where(eq(missions.id, id)).get();
  if (!old) throw new ApiError('not_found', `No mission ${id}.`);
  if (old.status !== 'PROPOSED')
    throw new ApiError(
      'conflict',
      `Mission "${old.title}" is ${old.status}: only a PROPOSED mission is replaced.`,
    );
  const by = { actor: c.get('user').email, requestId: c.get('requestId') };
  const mission = await insertMission(c.env, c.req.valid('json'), by.actor, by);
  try {
    await decide(c.env, by, old, 'REJECTED', `replaced by ${mission.id}`);
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
    throw new ApiError(
      'conflict',
      `Mission "${old.title}" was decided meanwhile; your version ${mission.id} stays proposed beside it.`,
    );
  }
  return c.json(mission, 201);
});
