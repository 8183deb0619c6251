import { OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, isNotNull, isNull, type SQL } from 'drizzle-orm';
import type { Context } from 'hono';
import { MEMORY_KINDS, memoryItems } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { deleteMemory, findMemory, type MemoryRow, memoryContext, resolveMemory } from './store';

const MemoryItem = z
  .object({
    id: z.string(),
    kind: z.enum(MEMORY_KINDS),
    content: z.string(),
    conversationId: z.string().nullable(),
    sourceEmail: z
      .string()
      .nullable()
      .describe('Whose conversation it came from (an operator or admin); null if entered by hand.'),
    resolvedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('MemoryItem');

const ContextItem = z.object({
  id: z.string(),
  content: z.string(),
  conversationId: z.string().nullable(),
  sourceEmail: z.string().nullable(),
  createdAt: z.number(),
});

const IdParam = z.object({ id: z.string().min(1).max(100) });

const listMemory = defineRoute('operator', {
  operationId: 'listMemory',
  method: 'get',
  path: '/api/memory',
  tags: ['CEO'],
  summary: 'What the CEO remembers: decisions, preferences and open loops, newest first',
  request: {
    query: z.strictObject({
      kind: z.enum(MEMORY_KINDS).optional(),
      resolved: z.enum(['true', 'false']).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: { 200: jsonResponse(z.object({ items: z.array(MemoryItem) }), 'Memory items.') },
});

const context = defineRoute('operator', {
  operationId: 'getMemoryContext',
  method: 'get',
  path: '/api/memory/context',
  tags: ['CEO'],
  summary: 'What a new conversation starts with: recent decisions, every open loop, preferences',
  responses: {
    200: jsonResponse(
      z.object({
        decisions: z.array(ContextItem),
        openLoops: z.array(ContextItem),
        preferences: z.array(ContextItem),
      }),
      'The memory context.',
    ),
  },
});

const resolve = defineRoute('operator', {
  operationId: 'resolveMemoryItem',
  method: 'post',
  path: '/api/memory/{id}/resolve',
  tags: ['CEO'],
  summary: 'Mark a memory item resolved (an open loop closed): it leaves the context',
  request: { params: IdParam },
  responses: {
    200: jsonResponse(MemoryItem, 'The item, resolved.'),
    404: jsonResponse(z.object({}), 'No such item.'),
  },
});

const remove = defineRoute('operator', {
  operationId: 'forgetMemoryItem',
  method: 'delete',
  path: '/api/memory/{id}',
  tags: ['CEO'],
  summary: 'Forget a memory item',
  request: { params: IdParam },
  responses: {
    204: { description: 'Forgotten.' },
    404: jsonResponse(z.object({}), 'No such item.'),
  },
});

const view = (row: MemoryRow) => ({
  ...row,
  resolvedAt: row.resolvedAt === null ? null : new Date(row.resolvedAt).toISOString(),
  createdAt: new Date(row.createdAt).toISOString(),
});

async function find(env: Env, id: string): Promise<MemoryRow> {
  const row = await findMemory(env, id);
  if (!row) throw new ApiError('not_found', `No memory item ${id}.`);
  return row;
}

const by = (c: Context<HonoEnv>) => ({ actor: c.get('user').email, requestId: c.get('requestId') });

export const memoryRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

memoryRoutes.openapi(listMemory, async (c) => {
  const q = c.req.valid('query');
  const where: SQL[] = [];
  if (q.kind) where.push(eq(memoryItems.kind, q.kind));
  if (q.resolved === 'true') where.push(isNotNull(memoryItems.resolvedAt));
  if (q.resolved === 'false') where.push(isNull(memoryItems.resolvedAt));
  const rows = await database(c.env)
    .select()
    .from(memoryItems)
    .where(and(...where))
    .orderBy(desc(memoryItems.createdAt))
    .limit(q.limit);
  return c.json({ items: rows.map(view) }, 200);
});

memoryRoutes.openapi(context, async (c) => c.json(await memoryContext(c.env), 200));

memoryRoutes.openapi(resolve, async (c) => {
  const { id } = c.req.valid('param');
  await resolveMemory(c.env, await find(c.env, id), by(c));
  return c.json(view(await find(c.env, id)), 200);
});

memoryRoutes.openapi(remove, async (c) => {
  const { id } = c.req.valid('param');
  await deleteMemory(c.env, await find(c.env, id), by(c));
  return c.body(null, 204);
});
