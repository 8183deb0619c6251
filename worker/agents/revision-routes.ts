import { OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, lt } from 'drizzle-orm';
import { agentRevisions } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { TRACKED_FIELDS } from './fields';
import { changeThroughDo, findAgent, monthSpend } from './queries';
import { Agent, ChangeEntry, Revision, RevisionSummary, SlugParam } from './schemas';

const tags = ['Agents'];

/** Revisions keep MCP servers redacted, so a rollback can never bring their secrets back. */
export const MCP_NOT_RESTORED =
  'Revisions store MCP server secrets as [REDACTED], so the old servers cannot be restored faithfully; the current mcpServers were kept. Edit them directly if needed.';

const listRevisions = defineRoute('viewer', {
  operationId: 'listAgentRevisions',
  method: 'get',
  path: '/api/agents/{slug}/revisions',
  tags,
  summary: 'The agent’s revisions, newest first, with their semantic diffs',
  request: {
    params: SlugParam,
    query: z.strictObject({
      cursor: z.string().regex(/^\d+$/, 'must be the nextCursor of a previous page').optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(RevisionSummary), nextCursor: z.string().nullable() }),
      'One page of revisions.',
    ),
  },
});

const getRevision = defineRoute('viewer', {
  operationId: 'getAgentRevision',
  method: 'get',
  path: '/api/agents/{slug}/revisions/{n}',
  tags,
  summary: 'One revision with its full before and after snapshots (secrets redacted)',
  request: { params: SlugParam.extend({ n: z.coerce.number().int().min(0) }) },
  responses: { 200: jsonResponse(Revision, 'The revision.') },
});

const rollback = defineRoute('admin', {
  operationId: 'rollbackAgent',
  method: 'post',
  path: '/api/agents/{slug}/rollback',
  tags,
  summary: 'Restore every tracked field but mcpServers from revision K, as a new revision',
  request: {
    params: SlugParam,
    body: jsonBody(
      z.strictObject({
        toRevision: z.number().int().min(0),
        reason: z.string().trim().min(1).max(500),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({
        agent: Agent,
        revision: z.number().int().nullable(),
        changes: z.array(ChangeEntry),
        restored: z.record(z.string(), z.unknown()),
        unrestored: z.array(z.object({ field: z.string(), reason: z.string() })),
      }),
      'Rolled back (revision null: the agent already matched).',
    ),
  },
});

export const revisionRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

const iso = (ms: number) => new Date(ms).toISOString();

revisionRoutes.openapi(listRevisions, async (c) => {
  const row = await findAgent(c.env, c.req.valid('param').slug);
  const { cursor, limit } = c.req.valid('query');
  const rows = await database(c.env)
    .select()
    .from(agentRevisions)
    .where(
      and(
        eq(agentRevisions.agentId, row.id),
        cursor ? lt(agentRevisions.number, Number(cursor)) : undefined,
      ),
    )
    .orderBy(desc(agentRevisions.number))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const items = page.map((r) => ({
    number: r.number,
    actor: r.actor,
    reason: r.reason,
    createdAt: iso(r.createdAt),
    diff: r.diff as z.infer<typeof ChangeEntry>[],
  }));
  const last = page.at(-1);
  return c.json(
    { items, nextCursor: rows.length > limit && last ? String(last.number) : null },
    200,
  );
});

async function loadRevision(env: Env, agentId: string, slug: string, n: number) {
  const revision = await database(env)
    .select()
    .from(agentRevisions)
    .where(and(eq(agentRevisions.agentId, agentId), eq(agentRevisions.number, n)))
    .get();
  if (!revision) throw new ApiError('not_found', `Agent "${slug}" has no revision ${n}.`);
  return revision;
}

revisionRoutes.openapi(getRevision, async (c) => {
  const { slug, n } = c.req.valid('param');
  const row = await findAgent(c.env, slug);
  const r = await loadRevision(c.env, row.id, slug, n);
  return c.json(
    {
      number: r.number,
      actor: r.actor,
      reason: r.reason,
      createdAt: iso(r.createdAt),
      diff: r.diff as z.infer<typeof ChangeEntry>[],
      before: r.before,
      after: r.after,
    },
    200,
  );
});

revisionRoutes.openapi(rollback, async (c) => {
  const { slug } = c.req.valid('param');
  const { toRevision, reason } = c.req.valid('json');
  const row = await findAgent(c.env, slug);
  const target = await loadRevision(c.env, row.id, slug, toRevision);
  const restored = Object.fromEntries(
    TRACKED_FIELDS.filter((f) => f !== 'mcpServers').map((f) => [f, target.after[f] ?? null]),
  );
  const result = await changeThroughDo(c, {
    agentId: row.id,
    patch: restored,
    reason: `Rollback to revision ${toRevision}: ${reason}`,
    action: 'agent.rollback',
  });
  const spent = await monthSpend(c.env, row.id);
  return c.json(
    {
      ...result,
      agent: { ...result.agent, ...spent },
      restored,
      unrestored: [{ field: 'mcpServers', reason: MCP_NOT_RESTORED }],
    },
    200,
  );
});
