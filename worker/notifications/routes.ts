import { OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import { NOTIFICATION_STATUSES, notifications, TIERS } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { SUPPRESSION_REASONS } from './catalog';

const Notification = z
  .object({
    id: z.string(),
    eventType: z.string(),
    entityType: z.string().nullable(),
    entityId: z.string().nullable(),
    tier: z.enum(TIERS),
    status: z.enum(NOTIFICATION_STATUSES),
    reason: z.string().nullable(),
    explanation: z.string().nullable().describe('Why the CEO stayed quiet, in words.'),
    fingerprint: z.string().nullable(),
    channel: z.string().nullable(),
    proactive: z.boolean(),
    lowSignal: z.boolean(),
    text: z.string(),
    rawText: z.string().nullable(),
    voice: z.string().nullable(),
    digestId: z.string().nullable(),
    details: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('What the event carried: a failed send’s error, a digest’s or scan’s members.'),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    reviewOpen: z
      .boolean()
      .describe(
        'A ready-for-review notification whose task still waits for a person: Approve / Request changes apply.',
      ),
  })
  .openapi('Notification');

const listNotifications = defineRoute('viewer', {
  operationId: 'listNotifications',
  method: 'get',
  path: '/api/notifications',
  tags: ['CEO'],
  summary: 'Every notification the CEO considered, sent or suppressed, newest first, with reasons',
  request: {
    query: z.strictObject({
      status: z.enum(NOTIFICATION_STATUSES).optional(),
      tier: z.enum(TIERS).optional(),
      eventType: z.string().min(1).max(64).optional(),
      channel: z.string().min(1).max(32).optional(),
      reason: z.string().min(1).max(64).optional(),
      digestId: z.string().min(1).max(100).optional(),
      since: z.iso.datetime({ offset: true }).optional(),
      cursor: z
        .string()
        .regex(/^\d+:.+$/, 'must be the nextCursor of a previous page')
        .optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(Notification), nextCursor: z.string().nullable() }),
      'One page of notifications.',
    ),
  },
});

type Row = typeof notifications.$inferSelect;

/** A ready-for-review notification; not the one held back while the reviewer agent looks. */
const isReadyForReview = (row: Row) =>
  row.eventType === 'task.review' && row.reason !== 'awaiting_first_review';

/** The tasks of the page's ready-for-review notifications that still wait for a verdict. */
async function openReviews(env: Env, rows: Row[]): Promise<Set<string>> {
  const ids = [...new Set(rows.filter(isReadyForReview).map((r) => r.entityId ?? ''))];
  if (!ids.length) return new Set();
  const { results } = await env.DB.prepare(
    // By id (`+status`, `+verdict`), not by walking every task in review.
    `SELECT id FROM tasks WHERE id IN (SELECT value FROM json_each(?)) AND +status = 'REVIEW' AND +verdict IS NULL`,
  )
    .bind(JSON.stringify(ids))
    .all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}

export const notificationRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

notificationRoutes.openapi(listNotifications, async (c) => {
  const q = c.req.valid('query');
  const where: SQL[] = [];
  if (q.status) where.push(eq(notifications.status, q.status));
  if (q.tier) where.push(eq(notifications.tier, q.tier));
  if (q.eventType) where.push(eq(notifications.eventType, q.eventType));
  if (q.channel) where.push(eq(notifications.channel, q.channel));
  if (q.reason) where.push(eq(notifications.reason, q.reason));
  if (q.digestId) where.push(eq(notifications.digestId, q.digestId));
  if (q.since) where.push(gte(notifications.createdAt, Date.parse(q.since)));
  if (q.cursor) {
    // Newest first by (created_at, id): the cursor is the last row's pair.
    const [at, id] = [Number(q.cursor.split(':')[0]), q.cursor.slice(q.cursor.indexOf(':') + 1)];
    const older = or(
      lt(notifications.createdAt, at),
      and(eq(notifications.createdAt, at), lt(notifications.id, id)),
    );
    if (older) where.push(older);
  }
  const rows = await database(c.env)
    .select()
    .from(notifications)
    .where(and(...where))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const open = await openReviews(c.env, page);
  return c.json(
    {
      items: page.map((row) => ({
        ...row,
        explanation: row.reason ? (SUPPRESSION_REASONS[row.reason] ?? null) : null,
        createdAt: new Date(row.createdAt).toISOString(),
        sentAt: row.sentAt === null ? null : new Date(row.sentAt).toISOString(),
        reviewOpen: isReadyForReview(row) && open.has(row.entityId ?? ''),
      })),
      nextCursor: rows.length > q.limit && last ? `${last.createdAt}:${last.id}` : null,
    },
    200,
  );
});
