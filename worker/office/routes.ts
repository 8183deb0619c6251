import { OpenAPIHono, z } from '@hono/zod-openapi';
import { auditInsert } from '../audit/record';
import { secretOrFail } from '../auth/guard';
import { sessionTokenHash } from '../auth/session';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { unwrap } from '../errors';
import { ApiError } from '../http/errors';
import { appOrigin } from '../http/origin';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { office } from './client';
import { FURNITURE_KINDS } from './layout';

const Cell = z.object({ x: z.number().int(), z: z.number().int() });
const Rotation = z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]);

const LayoutSchema = z
  .object({
    width: z.number().int(),
    depth: z.number().int(),
    door: Cell,
    furniture: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(FURNITURE_KINDS),
        x: z.number().int(),
        z: z.number().int(),
        rotation: Rotation,
        agentId: z.string().optional(),
      }),
    ),
  })
  .openapi('OfficeLayout');

const socket = defineRoute('viewer', {
  operationId: 'openOfficeSocket',
  method: 'get',
  path: '/api/office/ws',
  tags: ['Office'],
  summary: 'The live office: a WebSocket that sends a snapshot, then a delta for every change',
  description:
    'Upgrade with the session cookie from the app’s own origin. Messages are JSON: `snapshot`, `agent`, `agent.removed`, `layout`; send `{"type":"ping"}` to keep alive, `{"type":"resync"}` for a fresh snapshot.',
  responses: {
    101: { description: 'Switching to the WebSocket protocol.' },
    426: jsonResponse(z.object({}), 'Not a WebSocket upgrade.'),
  },
});

const layout = defineRoute('viewer', {
  operationId: 'getOfficeLayout',
  method: 'get',
  path: '/api/office/layout',
  tags: ['Office'],
  summary: 'The office floor: size, door and every piece of furniture (one desk per agent)',
  responses: { 200: jsonResponse(LayoutSchema, 'The layout.') },
});

const move = defineRoute('admin', {
  operationId: 'moveFurniture',
  method: 'put',
  path: '/api/office/furniture/{id}',
  tags: ['Office'],
  summary: 'Move or turn a piece of furniture; every open office sees it at once',
  request: {
    params: z.object({ id: z.string().min(1).max(200) }),
    body: jsonBody(
      z.strictObject({
        x: z.number().int().min(0).max(1000),
        z: z.number().int().min(0).max(1000),
        rotation: Rotation,
      }),
    ),
  },
  responses: {
    200: jsonResponse(LayoutSchema, 'The new layout.'),
    404: jsonResponse(z.object({}), 'No such piece of furniture.'),
    409: jsonResponse(
      z.object({}),
      'The move would break the floor (overlap, off the floor, something cut off).',
    ),
  },
});

export const officeRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

officeRoutes.openapi(socket, async (c) => {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    throw new ApiError('upgrade_required', 'GET /api/office/ws needs a WebSocket upgrade.');
  }
  // Browsers send Origin on every WebSocket handshake; a foreign page must not ride our cookie.
  const origin = c.req.header('origin');
  if (origin && origin !== appOrigin(c)) {
    throw new ApiError('forbidden', `WebSocket from ${origin} refused: it is not ${appOrigin(c)}.`);
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set('x-hq-user', c.get('user').email);
  // The hub keeps the session with the socket, to close it when the session ends.
  headers.set('x-hq-session', (await sessionTokenHash(c, secretOrFail(c.env))) ?? '');
  const upgraded = await office(c.env).fetch(new Request(c.req.raw.url, { headers }));
  // The hub is at its cap of open sockets: its reason, as `overloaded` (a 503).
  if (upgraded.status === 503) throw new ApiError('overloaded', await upgraded.text());
  if (!upgraded.webSocket)
    throw new ApiError('misconfigured', 'The office hub did not open a socket.');
  // A fresh response: one that came back from a stub has immutable headers, and the shared
  // middleware (request id, Server-Timing) adds some.
  return new Response(null, { status: 101, webSocket: upgraded.webSocket }) as never;
});

officeRoutes.openapi(layout, async (c) => {
  return c.json(await office(c.env).layout(), 200);
});

officeRoutes.openapi(move, async (c) => {
  const { id } = c.req.valid('param');
  const to = c.req.valid('json');
  const layout = unwrap(await office(c.env).moveFurniture(id, to, c.get('user').email));
  await auditInsert(database(c.env), c, {
    action: 'office.furniture.moved',
    entityType: 'furniture',
    entityId: id,
    summary: to,
  });
  return c.json(layout, 200);
});
