import { OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, lt } from 'drizzle-orm';
import { routineRevisions } from '../../drizzle/schema';
import { ChangeEntry } from '../agents/schemas';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import type { RoutineConfig } from './config';
import { byOf, findRoutine, viewOf } from './queries';
import { IdParam, Routine, RoutinePatch, type RoutinePatchValue, RoutineRevision } from './schemas';
import { changeRoutine } from './store';

const tags = ['Routines'];

/** Revisions record whether a webhook was on, never its secret: no rollback can bring one back. */
export const WEBHOOK_NOT_RESTORED =
  'Revisions never hold the webhook secret, so the webhook was left as it is: turn it on or off with POST or DELETE /api/routines/{id}/webhook.';

const list = defineRoute('viewer', {
  operationId: 'listRoutineRevisions',
  method: 'get',
  path: '/api/routines/{id}/revisions',
  tags,
  summary: "The routine's revisions, newest first, with their semantic diffs",
  request: {
    params: IdParam,
    query: z.strictObject({
      cursor: z.string().regex(/^\d+$/, 'must be the nextCursor of a previous page').optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(RoutineRevision), nextCursor: z.string().nullable() }),
      'One page of revisions.',
    ),
  },
});

const rollback = defineRoute('operator', {
  operationId: 'rollbackRoutine',
  method: 'post',
  path: '/api/routines/{id}/revisions/{number}/rollback',
  tags,
  summary: 'Restore the config of revision N (but the webhook) as a new revision',
  request: {
    params: IdParam.extend({ number: z.coerce.number().int().min(0).max(1_000_000) }),
    body: jsonBody(z.strictObject({ reason: z.string().trim().min(1).max(500) })),
  },
  responses: {
    200: jsonResponse(
      z.object({
        routine: Routine,
        revision: z.number().int().nullable().describe('Null: it already matched revision N.'),
        changes: z.array(ChangeEntry),
        unrestored: z.array(z.object({ field: z.string(), reason: z.string() })),
      }),
      'Rolled back.',
    ),
  },
});

export const routineRevisionRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

routineRevisionRoutes.openapi(list, async (c) => {
  const { id } = c.req.valid('param');
  await findRoutine(c.env, id);
  const { cursor, limit } = c.req.valid('query');
  const rows = await database(c.env)
    .select()
    .from(routineRevisions)
    .where(
      and(
        eq(routineRevisions.routineId, id),
        cursor ? lt(routineRevisions.number, Number(cursor)) : undefined,
      ),
    )
    .orderBy(desc(routineRevisions.number))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return c.json(
    {
      items: page.map((r) => ({
        number: r.number,
        actor: r.actor,
        reason: r.reason,
        createdAt: new Date(r.createdAt).toISOString(),
        diff: r.diff as z.infer<typeof ChangeEntry>[],
        after: r.after,
      })),
      nextCursor: rows.length > limit && last ? String(last.number) : null,
    },
    200,
  );
});

/** The patch that brings a routine back to a recorded config, read back through the API's schema. */
function restoring(after: Partial<RoutineConfig>): RoutinePatchValue {
  const { webhook: _kept, agent, repository, targetBranch, template, ...rest } = after;
  const kindFields = rest.kind === 'planning' ? { agent, repository, targetBranch } : { template };
  const parsed = RoutinePatch.safeParse({ ...rest, ...kindFields });
  if (!parsed.success) {
    throw new ApiError('unprocessable', 'That revision no longer reads as a valid routine.');
  }
  return parsed.data;
}

routineRevisionRoutes.openapi(rollback, async (c) => {
  const { id, number } = c.req.valid('param');
  const { reason } = c.req.valid('json');
  const row = await findRoutine(c.env, id);
  const target = await database(c.env)
    .select()
    .from(routineRevisions)
    .where(and(eq(routineRevisions.routineId, id), eq(routineRevisions.number, number)))
    .get();
  if (!target) throw new ApiError('not_found', `Routine ${row.name} has no revision ${number}.`);
  const result = await changeRoutine(c.env, row, restoring(target.after), {
    ...byOf(c),
    action: 'routine.rollback',
    reason: `Rollback to revision ${number}: ${reason}`,
  });
  return c.json(
    {
      routine: await viewOf(c, result.row),
      revision: result.revision,
      changes: result.changes as z.infer<typeof ChangeEntry>[],
      unrestored: [{ field: 'webhook', reason: WEBHOOK_NOT_RESTORED }],
    },
    200,
  );
});
