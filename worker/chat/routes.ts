import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ceo } from '../ceo/client';
import { parseCommand } from '../ceo/commands';
import type { HonoEnv } from '../env';
import { unwrap } from '../errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { enforceLimit } from '../limits/rate-limits';

const tags = ['CEO'];

const ChatTurn = z
  .strictObject({
    key: z
      .string()
      .regex(/^[\w-]{8,64}$/, 'must be 8 to 64 letters, digits, - or _')
      .describe('Makes the turn count once: a resent key is answered `duplicate`.'),
    text: z.string().trim().min(1).max(4_000).optional(),
    action: z
      .string()
      .regex(
        /^((confirm|cancel):[\w-]{36}|task:(approve|changes):[\w-]{4,64}|mission:(approve|reject|edit):[\w-]{4,64}(@\d{1,9})?)$/,
        'must be a button action from a reply',
      )
      .optional(),
  })
  .refine((turn) => (turn.text === undefined) !== (turn.action === undefined), {
    message: 'send either text or action',
    path: ['text'],
  })
  .openapi('ChatTurn');

const chat = defineRoute('viewer', {
  operationId: 'chatWithCeo',
  method: 'post',
  path: '/api/chat',
  tags,
  summary:
    'Talk to the CEO: the answer streams as server-sent events (queued, token, reply, done), on the same queue as Telegram',
  request: { body: jsonBody(ChatTurn) },
  responses: {
    200: {
      description:
        'text/event-stream: `queued`, then `token` events, one `reply` (text and buttons), `done`.',
      content: { 'text/event-stream': { schema: z.string() } },
    },
  },
});

const Message = z.object({
  id: z.number().int(),
  sender: z.enum(['operator', 'ceo']),
  content: z.string(),
  at: z.string(),
});

const history = defineRoute('viewer', {
  operationId: 'getChatHistory',
  method: 'get',
  path: '/api/chat/history',
  tags,
  summary: 'Your web conversation with the CEO, oldest first (the latest messages)',
  request: {
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
  },
  responses: { 200: jsonResponse(z.object({ messages: z.array(Message) }), 'Your messages.') },
});

export const chatRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

chatRoutes.openapi(chat, async (c) => {
  const turn = c.req.valid('json');
  const user = c.get('user');
  // A text turn may cost several model calls; a button or a /command costs none, as on Telegram.
  if (turn.text && !parseCommand(turn.text)) await enforceLimit(c, 'chat', user.email);
  const answer = await ceo(c.env).chat({
    key: `${user.email}:${turn.key}`,
    operator: { email: user.email, role: user.role },
    ...(turn.text ? { text: turn.text } : {}),
    ...(turn.action ? { action: turn.action } : {}),
  });
  // Too many chats open at once: refused as `overloaded` (a 503), the turn not queued.
  const stream = answer instanceof ReadableStream ? answer : unwrap<never>(answer);
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
});

chatRoutes.openapi(history, async (c) => {
  const { limit } = c.req.valid('query');
  const { results } = await c.env.DB.prepare(
    `SELECT m.id, m.sender, m.content, m.created_at AS at FROM conversation_messages m
     JOIN conversations c ON c.id = m.conversation_id
     WHERE c.user_email = ? AND c.channel = 'web' ORDER BY m.id DESC LIMIT ?`,
  )
    .bind(c.get('user').email, limit)
    .all<{ id: number; sender: 'operator' | 'ceo'; content: string; at: number }>();
  return c.json(
    { messages: results.reverse().map((m) => ({ ...m, at: new Date(m.at).toISOString() })) },
    200,
  );
});
