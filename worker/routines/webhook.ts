import { OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { routines } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { DomainError } from '../errors';
import { ApiError } from '../http/errors';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { UnreadableSecretError, unseal } from '../secrets/seal';
import { answerFire } from './answer';
import type { RoutineRow } from './config';
import { fireRoutine } from './fire';
import { IdParam, RoutineFire } from './schemas';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;

const hook = defineRoute('public', {
  operationId: 'deliverRoutineWebhook',
  method: 'post',
  path: '/api/hooks/routines/{id}',
  tags: ['Routines'],
  summary: 'Webhook delivery: fires the routine once per delivery id',
  description:
    'No session: the body (any content, up to 1 MiB, never stored) must be signed with the routine’s webhook secret in `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`, as GitHub does. The delivery id is X-GitHub-Delivery, else X-Delivery-Id, else Idempotency-Key, else the SHA-256 of the body: a redelivery fires nothing new. A GitHub `ping` is answered and fires nothing.',
  request: { params: IdParam },
  responses: {
    202: jsonResponse(z.object({ fire: RoutineFire }), 'Fired (skipped or failed fires too).'),
    200: jsonResponse(
      z.object({
        duplicate: z.boolean().optional(),
        ping: z.boolean().optional(),
        fire: z.union([RoutineFire, z.null()]),
      }),
      'A redelivery (duplicate true: the first fire) or a ping (no fire).',
    ),
    401: jsonResponse(z.object({}), 'Signature missing or wrong.'),
    404: jsonResponse(z.object({}), 'No such routine, or it has no webhook.'),
  },
});

/** Hex to bytes; the pattern above has already checked it is an even run of hex digits. */
function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * Refuses a body not signed with the routine's secret. crypto.subtle.verify compares the MACs
 * in constant time, so a wrong guess teaches nothing about the right one.
 */
async function assertSigned(
  env: Env,
  row: RoutineRow,
  header: string | undefined,
  body: ArrayBuffer,
) {
  if (!header)
    throw new ApiError(
      'unauthenticated',
      'X-Hub-Signature-256 is missing: sign the raw body with the webhook secret (sha256=<hex HMAC-SHA256>).',
    );
  const hex = SIGNATURE.exec(header.trim())?.[1];
  if (!hex)
    throw new ApiError(
      'unauthenticated',
      'X-Hub-Signature-256 is malformed: it must be sha256= followed by 64 hex digits.',
    );
  const secret = await unseal<string>(env, row.webhookSecretSealed ?? '').catch((error) => {
    if (!(error instanceof UnreadableSecretError)) throw error;
    throw new DomainError(
      'misconfigured',
      'This webhook’s secret was sealed under a key HQ no longer has: rotate it (POST /api/routines/{id}/webhook).',
    );
  });
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  if (!(await crypto.subtle.verify('HMAC', key, fromHex(hex.toLowerCase()), body)))
    throw new ApiError(
      'unauthenticated',
      'X-Hub-Signature-256 does not match the body: wrong secret, or the body changed on the way.',
    );
}

/** The delivery's own id, so retries of one delivery fire once; else the body's digest. */
async function deliveryId(c: Context<HonoEnv>, body: ArrayBuffer): Promise<string> {
  const named = ['x-github-delivery', 'x-delivery-id', 'idempotency-key']
    .map((name) => [name, c.req.header(name)?.trim()] as const)
    .find(([, value]) => value);
  if (named) {
    const [name, value = ''] = named;
    if (!DELIVERY_ID.test(value))
      throw new ApiError(
        'bad_request',
        `${name} must be 1 to 200 printable characters, no spaces.`,
        {
          fields: [{ field: name, in: 'header', message: 'not a delivery id' }],
        },
      );
    return value;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  return `sha256-${[...digest].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export const routineHookRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

routineHookRoutes.openapi(hook, async (c) => {
  const { id } = c.req.valid('param');
  const row = await database(c.env).select().from(routines).where(eq(routines.id, id)).get();
  // One answer for "no routine", "archived" and "no webhook": a stranger learns nothing more.
  if (!row || row.archivedAt !== null || !row.webhookSecretSealed)
    throw new ApiError('not_found', `No routine ${id} with a webhook.`);
  const body = await c.req.arrayBuffer();
  await assertSigned(c.env, row, c.req.header('x-hub-signature-256'), body);
  if (c.req.header('x-github-event') === 'ping') return c.json({ ping: true, fire: null }, 200);
  const delivery = await deliveryId(c, body);
  const by = { actor: 'webhook', requestId: c.get('requestId') };
  const request = { ...by, trigger: 'webhook' as const, scheduledFor: Date.now() };
  const result = await fireRoutine(c.env, row, { ...request, key: `webhook:${delivery}` });
  const fire = await answerFire(c.env, row, result, by);
  return result.duplicate
    ? c.json({ duplicate: true, fire: { ...fire, duplicate: true } }, 200)
    : c.json({ fire }, 202);
});
