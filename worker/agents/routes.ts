import { OpenAPIHono, z } from '@hono/zod-openapi';
import { asc, isNull } from 'drizzle-orm';
import { agentRevisions, agents } from '../../drizzle/schema';
import { auditInsert } from '../audit/record';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { agentRevisedInsert } from '../events/outbox';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { CreateAgent, PatchAgent } from './fields';
import { assertNoDanglingPlaceholders } from './placeholders';
import {
  assertMayChangeMcp,
  assertReportsTo,
  changeThroughDo,
  findAgent,
  monthSpend,
  NO_SPEND,
  spendThisMonth,
} from './queries';
import { Agent, ChangeResponse, SlugParam } from './schemas';
import { agentConfig, agentView, creationRevision, revisedEvent, sealServers } from './store';

const tags = ['Agents'];

const listAgents = defineRoute('viewer', {
  operationId: 'listAgents',
  method: 'get',
  path: '/api/agents',
  tags,
  summary: 'The roster, with each agent’s spend this month',
  request: {
    query: z.strictObject({ includeArchived: z.enum(['true', 'false']).default('false') }),
  },
  responses: { 200: jsonResponse(z.object({ agents: z.array(Agent) }), 'The roster.') },
});

const getAgent = defineRoute('viewer', {
  operationId: 'getAgent',
  method: 'get',
  path: '/api/agents/{slug}',
  tags,
  summary: 'One agent',
  request: { params: SlugParam },
  responses: {
    200: jsonResponse(Agent, 'The agent.'),
    404: jsonResponse(z.object({}), 'No such agent.'),
  },
});

const createAgent = defineRoute('operator', {
  operationId: 'createAgent',
  method: 'post',
  path: '/api/agents',
  tags,
  summary: 'Create an agent (revision 0); MCP servers need admin',
  request: { body: jsonBody(CreateAgent) },
  responses: {
    201: jsonResponse(Agent, 'Created.'),
    409: jsonResponse(z.object({}), 'The slug is taken.'),
  },
});

const patchAgent = defineRoute('operator', {
  operationId: 'updateAgent',
  method: 'patch',
  path: '/api/agents/{slug}',
  tags,
  summary: 'Edit an agent: a tracked change makes revision N+1; mcpServers needs admin',
  request: { params: SlugParam, body: jsonBody(PatchAgent) },
  responses: {
    200: jsonResponse(ChangeResponse, 'Applied (revision null: nothing tracked changed).'),
  },
});

const archiveAgent = defineRoute('operator', {
  operationId: 'archiveAgent',
  method: 'post',
  path: '/api/agents/{slug}/archive',
  tags,
  summary: 'Archive an agent: it leaves the roster and takes no work; its record stays',
  request: {
    params: SlugParam,
    body: jsonBody(z.strictObject({ reason: z.string().max(500).optional() })),
  },
  responses: { 200: jsonResponse(ChangeResponse, 'Archived.') },
});

export const agentRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

agentRoutes.openapi(listAgents, async (c) => {
  const all = c.req.valid('query').includeArchived === 'true';
  const query = database(c.env).select().from(agents);
  const rows = await (all ? query : query.where(isNull(agents.archivedAt)))
    .orderBy(asc(agents.createdAt))
    .all();
  const spend = await spendThisMonth(
    c.env,
    rows.map((r) => r.id),
  );
  const list = await Promise.all(
    rows.map(async (row) => {
      const { config, unreadableSecrets } = await agentConfig(c.env, row);
      return {
        ...agentView(row, config, unreadableSecrets),
        ...(spend.get(row.id) ?? NO_SPEND),
      };
    }),
  );
  return c.json({ agents: list }, 200);
});

agentRoutes.openapi(getAgent, async (c) => {
  const row = await findAgent(c.env, c.req.valid('param').slug);
  const spend = await spendThisMonth(c.env, [row.id]);
  const { config, unreadableSecrets } = await agentConfig(c.env, row);
  return c.json(
    {
      ...agentView(row, config, unreadableSecrets),
      ...(spend.get(row.id) ?? NO_SPEND),
    },
    200,
  );
});

agentRoutes.openapi(createAgent, async (c) => {
  const { slug, reason, reportsTo, monthlyBudgetUsd, monthlyBudgetTokens, ...config } =
    c.req.valid('json');
  if (Object.keys(config.mcpServers).length) assertMayChangeMcp(c);
  assertNoDanglingPlaceholders(config.mcpServers);
  await assertReportsTo(c.env, slug, reportsTo);
  const db = database(c.env);
  const now = Date.now();
  const row = {
    id: crypto.randomUUID(),
    slug,
    ...config,
    mcpServersSealed: await sealServers(c.env, config.mcpServers),
    reportsTo,
    monthlyBudgetUsd,
    monthlyBudgetTokens,
    revision: 0,
    consecutiveFailures: 0,
    cooldownUntil: null,
    archivedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const { mcpServers: _plain, ...columns } = row;
  const revision = creationRevision(row.id, c.get('user').email, config, now, reason);
  try {
    await db.batch([
      db.insert(agents).values(columns),
      db.insert(agentRevisions).values(revision),
      agentRevisedInsert(
        db,
        revisedEvent(row.id, slug, 0, revision.diff, c.get('user').email),
        now,
      ),
      auditInsert(db, c, {
        action: 'agent.create',
        entityType: 'agent',
        entityId: slug,
        summary: { revision: 0, diff: revision.diff },
      }),
    ]);
  } catch (error) {
    if (String(error).includes('UNIQUE constraint failed: agents.slug')) {
      throw new ApiError('conflict', `The slug "${slug}" is taken.`, {
        fields: [{ field: 'slug', in: 'body', message: 'already taken' }],
      });
    }
    throw error;
  }
  return c.json({ ...agentView(columns, config), ...NO_SPEND }, 201);
});

agentRoutes.openapi(patchAgent, async (c) => {
  const row = await findAgent(c.env, c.req.valid('param').slug);
  const patch = c.req.valid('json');
  if (patch.mcpServers !== undefined) assertMayChangeMcp(c);
  await assertReportsTo(c.env, row.slug, patch.reportsTo);
  const result = await changeThroughDo(c, {
    agentId: row.id,
    patch,
    reason: patch.reason,
    action: 'agent.update',
  });
  return c.json(
    { ...result, agent: { ...result.agent, ...(await monthSpend(c.env, row.id)) } },
    200,
  );
});

agentRoutes.openapi(archiveAgent, async (c) => {
  const row = await findAgent(c.env, c.req.valid('param').slug);
  const { reason } = c.req.valid('json');
  const result = await changeThroughDo(c, {
    agentId: row.id,
    patch: {},
    reason,
    action: 'agent.archive',
    archive: true,
  });
  return c.json(
    { ...result, agent: { ...result.agent, ...(await monthSpend(c.env, row.id)) } },
    200,
  );
});
