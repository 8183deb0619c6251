import { OpenAPIHono, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Update } from 'grammy/types';
import { telegramChats } from '../../drizzle/schema';
import { auditInsert } from '../audit/record';
import { ceo } from '../ceo/client';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { readSettings } from '../settings/store';
import { BLOCKED_ACTION } from './blocked';
import { telegramConfig } from './config';
import { createLinkCode } from './linking';

const tags = ['Telegram'];

const webhook = defineRoute('telegram', {
  operationId: 'receiveTelegramUpdate',
  method: 'post',
  path: '/telegram/webhook',
  tags,
  summary: 'Telegram updates: secret header checked, queued durably for the CEO, answered at once',
  request: {
    body: jsonBody(
      z.looseObject({ update_id: z.number().int().min(0) }).openapi('TelegramUpdate'),
      'An Update, as the Bot API sends it.',
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({ ok: z.literal(true), queued: z.boolean() }),
      'Queued (false: this update_id was seen before and is dropped).',
    ),
  },
});

const LinkCode = z.object({
  code: z.string(),
  expiresAt: z.string(),
  botUsername: z.string(),
  link: z.string().describe('Opens the bot with the code filled in.'),
});

const linkCode = defineRoute('viewer', {
  operationId: 'createTelegramLinkCode',
  method: 'post',
  path: '/api/telegram/link-code',
  tags,
  summary: 'A one-time code (10 minutes) that links a Telegram chat to you: send /start CODE',
  responses: {
    201: jsonResponse(LinkCode, 'The code.'),
    503: jsonResponse(z.object({}), 'Telegram is not set up.'),
  },
});

const Chat = z.object({
  chatId: z.string(),
  telegramName: z.string().nullable(),
  mutedUntil: z.string().nullable(),
  linkedAt: z.string(),
});

const listChats = defineRoute('viewer', {
  operationId: 'listTelegramChats',
  method: 'get',
  path: '/api/telegram/chats',
  tags,
  summary: 'Your linked Telegram chats, and whether Telegram is set up',
  responses: {
    200: jsonResponse(
      z.object({
        configured: z.boolean(),
        botUsername: z.string().nullable(),
        chats: z.array(Chat),
        blocked: z
          .object({ chatId: z.string(), at: z.string() })
          .nullable()
          .describe(
            'Your last chat unlinked because you blocked the bot, unless you linked one since.',
          ),
      }),
      'Your chats.',
    ),
  },
});

const unlink = defineRoute('viewer', {
  operationId: 'unlinkTelegramChat',
  method: 'delete',
  path: '/api/telegram/chats/{chatId}',
  tags,
  summary: 'Unlink one of your chats (admins: anyone’s); it no longer reaches the CEO',
  request: { params: z.object({ chatId: z.string().regex(/^-?\d{1,20}$/, 'must be a chat id') }) },
  responses: {
    204: { description: 'Unlinked.' },
    404: jsonResponse(z.object({}), 'No such chat.'),
  },
});

export const telegramRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

telegramRoutes.openapi(webhook, async (c) => {
  const update = c.req.valid('json') as unknown as Update;
  const { queued } = await ceo(c.env).receiveTelegram(update);
  return c.json({ ok: true as const, queued }, 200);
});

telegramRoutes.openapi(linkCode, async (c) => {
  const config = telegramConfig(c.env, await readSettings(c.env));
  if (!config)
    throw new ApiError('misconfigured', 'Telegram is not set up: TELEGRAM_BOT_TOKEN is empty.');
  const { code, expiresAt } = await createLinkCode(c.env, c.get('user').email, Date.now());
  const username = config.botInfo.username;
  return c.json(
    {
      code,
      expiresAt: new Date(expiresAt).toISOString(),
      botUsername: username,
      link: `https://t.me/${username}?start=${code}`,
    },
    201,
  );
});

/** The user's last block of the bot (audited when it unlinked the chat), if no chat was linked since. */
async function lastBlock(env: Env, email: string, linkedAts: number[]) {
  const row = await env.DB.prepare(
    'SELECT entity_id AS chatId, created_at AS at FROM audit_log WHERE action = ? AND actor = ? ORDER BY created_at DESC LIMIT 1',
  )
    .bind(BLOCKED_ACTION, email)
    .first<{ chatId: string; at: number }>();
  if (!row || linkedAts.some((linkedAt) => linkedAt > row.at)) return null;
  return { chatId: row.chatId, at: new Date(row.at).toISOString() };
}

telegramRoutes.openapi(listChats, async (c) => {
  const config = telegramConfig(c.env, await readSettings(c.env));
  const { results } = await c.env.DB.prepare(
    `SELECT chat_id AS chatId, telegram_name AS telegramName, muted_until AS mutedUntil, linked_at AS linkedAt
     FROM telegram_chats WHERE user_email = ? ORDER BY linked_at`,
  )
    .bind(c.get('user').email)
    .all<{
      chatId: string;
      telegramName: string | null;
      mutedUntil: number | null;
      linkedAt: number;
    }>();
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const block = await lastBlock(
    c.env,
    c.get('user').email,
    results.map((r) => r.linkedAt),
  );
  return c.json(
    {
      configured: config !== null,
      botUsername: config?.botInfo.username ?? null,
      chats: results.map((r) => ({
        ...r,
        mutedUntil: iso(r.mutedUntil),
        linkedAt: new Date(r.linkedAt).toISOString(),
      })),
      blocked: block,
    },
    200,
  );
});

telegramRoutes.openapi(unlink, async (c) => {
  const { chatId } = c.req.valid('param');
  const user = c.get('user');
  const row = await c.env.DB.prepare(
    'SELECT user_email AS email FROM telegram_chats WHERE chat_id = ?',
  )
    .bind(chatId)
    .first<{ email: string }>();
  if (!row || (row.email !== user.email && user.role !== 'admin'))
    throw new ApiError('not_found', `No linked chat ${chatId} of yours.`);
  const db = database(c.env);
  await db.batch([
    db.delete(telegramChats).where(eq(telegramChats.chatId, chatId)),
    auditInsert(db, c, {
      action: 'telegram.unlink',
      entityType: 'telegram_chat',
      entityId: chatId,
      summary: { email: row.email },
    }),
  ]);
  return c.body(null, 204);
});
