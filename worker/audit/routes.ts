import { OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import { auditLog } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';

const AuditItem = z
  .object({
    id: z.number().int(),
    actor: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    requestId: z.string(),
    summary: z.record(z.string(), z.unknown()),
    createdAt: z.string().datetime(),
  })
  .openapi('AuditEntry');

const AuditQuery = z.strictObject({
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  entityType: z.string().min(1).optional(),
  entityId: z.string().min(1).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Inclusive lower bound (ISO 8601).'),
  to: z.iso.datetime({ offset: true }).optional().describe('Inclusive upper bound (ISO 8601).'),
  cursor: z.string().regex(/^\d+$/, 'must be the nextCursor of a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const listAudit = defineRoute('viewer', {
  operationId: 'listAuditEntries',
  method: 'get',
  path: '/api/audit',
  tags: ['Audit'],
  summary: 'List audit entries, newest first, with filters and cursor pagination',
  request: { query: AuditQuery },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(AuditItem), nextCursor: z.string().nullable() }),
      'One page of audit entries.',
    ),
  },
});

export const auditRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

auditRoutes.openapi(listAudit, async (c) => {
  const q = c.req.valid('query');
  const conditions: SQL[] = [];
  if (q.actor) conditions.push(eq(auditLog.actor, q.actor));
  if (q.action) conditions.push(eq(auditLog.action, q.action));
  if (q.entityType) conditions.push(eq(auditLog.entityType, q.entityType));
  if (q.entityId) conditions.push(eq(auditLog.entityId, q.entityId));
  if (q.from) conditions.push(gte(auditLog.createdAt, Date.parse(q.from)));
  if (q.to) conditions.push(lte(auditLog.createdAt, Date.parse(q.to)));
  if (q.cursor) conditions.push(lt(auditLog.id, Number(q.cursor)));
  // Ids grow with time, so ordering by id is newest first and makes a stable cursor.
  const rows = await database(c.env)
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return c.json(
    {
      items: page.map((row) => ({ ...row, createdAt: new Date(row.createdAt).toISOString() })),
      nextCursor: rows.length > q.limit && last ? String(last.id) : null,
    },
    200,
  );
});
