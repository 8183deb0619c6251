import { OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq, lt, or } from 'drizzle-orm';
import { routineFires } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { appOrigin } from '../http/origin';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { seal } from '../secrets/seal';
import { answerFire } from './answer';
import { fireRoutine } from './fire';
import { byOf, findRoutine, liveRoutine } from './queries';
import { IdParam, Page, RoutineFire, WebhookSecret } from './schemas';
import { changeRoutine, newWebhookSecret, setState } from './store';
import { fireViews, webhookUrl } from './views';

const tags = ['Routines'];

const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 printable characters, no spaces')
  .optional()
  .describe('Fires once per key: the same key again answers the first fire (duplicate true).');

const fire = defineRoute('operator', {
  operationId: 'fireRoutine',
  method: 'post',
  path: '/api/routines/{id}/fire',
  tags,
  summary: 'Fire now; with an Idempotency-Key, at most once per key',
  request: {
    params: IdParam,
    headers: z.object({ 'idempotency-key': IdempotencyKey }),
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z.strictObject({ note: z.string().trim().min(1).max(500).optional() }),
        },
      },
    },
  },
  responses: {
    201: jsonResponse(RoutineFire, 'Fired: what it did (skipped and failed fires included).'),
    200: jsonResponse(RoutineFire, 'This key already fired: that fire, duplicate true.'),
    409: jsonResponse(z.object({}), 'The routine is archived.'),
  },
});

const fires = defineRoute('viewer', {
  operationId: 'listRoutineFires',
  method: 'get',
  path: '/api/routines/{id}/fires',
  tags,
  summary: "The routine's fires, newest first",
  request: { params: IdParam, query: Page },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(RoutineFire), nextCursor: z.string().nullable() }),
      'One page of fires.',
    ),
  },
});

const setWebhook = defineRoute('operator', {
  operationId: 'enableRoutineWebhook',
  method: 'post',
  path: '/api/routines/{id}/webhook',
  tags,
  summary: 'Turn the webhook on, or rotate its secret: the new secret is shown once, here',
  request: { params: IdParam },
  responses: {
    200: jsonResponse(
      z.object({ webhookUrl: z.string(), webhookSecret: WebhookSecret.unwrap() }),
      'The URL to deliver to and the secret to sign with (the old secret stops working).',
    ),
  },
});

const removeWebhook = defineRoute('operator', {
  operationId: 'disableRoutineWebhook',
  method: 'delete',
  path: '/api/routines/{id}/webhook',
  tags,
  summary: 'Turn the webhook off: deliveries answer 404 from now on',
  request: { params: IdParam },
  responses: { 200: jsonResponse(z.object({ webhook: z.null() }), 'Removed.') },
});

export const fireRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

fireRoutes.openapi(fire, async (c) => {
  const row = await liveRoutine(c.env, c.req.valid('param').id);
  const key = c.req.valid('header')['idempotency-key'] ?? crypto.randomUUID();
  const { note } = c.req.valid('json') as { note?: string };
  const by = byOf(c);
  const result = await fireRoutine(c.env, row, {
    trigger: 'api',
    key: `api:${key}`,
    scheduledFor: Date.now(),
    ...by,
    ...(note ? { note } : {}),
  });
  const view = await answerFire(c.env, row, result, by);
  return result.duplicate ? c.json({ ...view, duplicate: true }, 200) : c.json(view, 201);
});

fireRoutes.openapi(fires, async (c) => {
  const { id } = c.req.valid('param');
  await findRoutine(c.env, id);
  const { cursor, limit } = c.req.valid('query');
  const [at, lastId] = cursor ? cursor.split('.') : [];
  const rows = await database(c.env)
    .select()
    .from(routineFires)
    .where(
      and(
        eq(routineFires.routineId, id),
        at && lastId
          ? or(
              lt(routineFires.createdAt, Number(at)),
              and(eq(routineFires.createdAt, Number(at)), lt(routineFires.id, lastId)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(routineFires.createdAt), desc(routineFires.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return c.json(
    {
      items: await fireViews(c.env, page),
      nextCursor: rows.length > limit && last ? `${last.createdAt}.${last.id}` : null,
    },
    200,
  );
});

fireRoutes.openapi(setWebhook, async (c) => {
  const row = await liveRoutine(c.env, c.req.valid('param').id);
  const by = byOf(c);
  let secret: string;
  if (row.webhookSecretSealed) {
    // Rotating changes no config (the secret is in no revision): audited only.
    secret = newWebhookSecret();
    await setState(
      c.env,
      row,
      { webhookSecretSealed: await seal(c.env, secret) },
      { ...by, action: 'routine.webhook_rotate' },
    );
  } else {
    const result = await changeRoutine(
      c.env,
      row,
      { webhook: true },
      {
        ...by,
        action: 'routine.update',
        reason: 'webhook turned on',
      },
    );
    if (!result.webhookSecret) throw new Error('turning the webhook on made no secret');
    secret = result.webhookSecret;
  }
  return c.json({ webhookUrl: webhookUrl(appOrigin(c), row.id), webhookSecret: secret }, 200);
});

fireRoutes.openapi(removeWebhook, async (c) => {
  const row = await liveRoutine(c.env, c.req.valid('param').id);
  await changeRoutine(
    c.env,
    row,
    { webhook: false },
    {
      ...byOf(c),
      action: 'routine.update',
      reason: 'webhook turned off',
    },
  );
  return c.json({ webhook: null }, 200);
});
