import { OpenAPIHono, z } from '@hono/zod-openapi';
import { desc, eq } from 'drizzle-orm';
import { API_TOKEN_ROLES, apiTokens } from '../../../drizzle/schema';
import { auditInsert } from '../../audit/record';
import { database } from '../../db/client';
import type { HonoEnv } from '../../env';
import { ApiError } from '../../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../../http/route';
import { validationHook } from '../../http/validation';
import { sha256 } from '../crypto';
import { mintApiToken, tokenActor } from './bearer';

const tags = ['API tokens'];

const ApiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(API_TOKEN_ROLES),
    actor: z.string().describe('Who its writes are by in the audit log: token:<name>.'),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable().describe('null: it does not expire.'),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().describe('Updated at most once a minute.'),
  })
  .openapi('ApiToken');

const NewToken = z.strictObject({
  // Plain characters only: the name becomes the audit log's actor, token:<name>.
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/, 'letters, digits, . _ - (up to 60)'),
  role: z.enum(API_TOKEN_ROLES).describe('viewer or operator: a token is never an admin.'),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When it stops working; omitted: never (revoke it instead).'),
});

const create = defineRoute('admin', {
  operationId: 'createApiToken',
  method: 'post',
  path: '/api/tokens',
  tags,
  summary: 'Create an API token; the token is in this answer only (HQ keeps a hash)',
  request: { body: jsonBody(NewToken) },
  responses: {
    201: jsonResponse(
      ApiToken.extend({
        token: z.string().describe('Send it as Authorization: Bearer hq_api_…, on /api/* only.'),
      }),
      'Created; copy the token now.',
    ),
    409: jsonResponse(z.object({}), 'A token of that name exists (names are never reused).'),
  },
});

const list = defineRoute('admin', {
  operationId: 'listApiTokens',
  method: 'get',
  path: '/api/tokens',
  tags,
  summary: 'API tokens, newest first (never their secrets)',
  responses: { 200: jsonResponse(z.object({ tokens: z.array(ApiToken) }), 'Tokens.') },
});

const revoke = defineRoute('admin', {
  operationId: 'revokeApiToken',
  method: 'delete',
  path: '/api/tokens/{id}',
  tags,
  summary: 'Revoke an API token: it stops working at once',
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: {
    200: jsonResponse(ApiToken, 'Revoked.'),
    404: jsonResponse(z.object({}), 'No such token.'),
  },
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const view = (t: typeof apiTokens.$inferSelect) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  actor: tokenActor(t.name),
  createdBy: t.createdBy,
  createdAt: new Date(t.createdAt).toISOString(),
  expiresAt: iso(t.expiresAt),
  revokedAt: iso(t.revokedAt),
  lastUsedAt: iso(t.lastUsedAt),
});

export const apiTokenRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

apiTokenRoutes.openapi(create, async (c) => {
  const input = c.req.valid('json');
  const now = Date.now();
  const expiresAt = input.expiresAt === undefined ? null : Date.parse(input.expiresAt);
  if (expiresAt !== null && expiresAt <= now) {
    throw new ApiError('validation_failed', 'expiresAt is in the past.', {
      fields: [{ field: 'expiresAt', in: 'body', message: 'must be in the future' }],
    });
  }
  const token = mintApiToken();
  const row = {
    id: crypto.randomUUID(),
    name: input.name,
    role: input.role,
    tokenHash: await sha256(token),
    createdBy: c.get('user').email,
    createdAt: now,
    expiresAt,
    revokedAt: null,
    lastUsedAt: null,
  };
  const db = database(c.env);
  try {
    await db.batch([
      db.insert(apiTokens).values(row),
      auditInsert(db, c, {
        action: 'api_token.create',
        entityType: 'api_token',
        entityId: row.id,
        summary: { name: row.name, role: row.role, expiresAt: iso(expiresAt) },
      }),
    ]);
  } catch (error) {
    // Names are never reused, even once revoked: token:<name> in the audit log names one token.
    if (String(error).includes('UNIQUE constraint failed: api_tokens.name')) {
      throw new ApiError('conflict', `An API token named ${row.name} exists; pick another name.`, {
        fields: [{ field: 'name', in: 'body', message: 'already taken' }],
      });
    }
    throw error;
  }
  return c.json({ ...view(row), token }, 201);
});

apiTokenRoutes.openapi(list, async (c) => {
  const rows = await database(c.env)
    .select()
    .from(apiTokens)
    .orderBy(desc(apiTokens.createdAt))
    .all();
  return c.json({ tokens: rows.map(view) }, 200);
});

apiTokenRoutes.openapi(revoke, async (c) => {
  const { id } = c.req.valid('param');
  const db = database(c.env);
  const row = await db.select().from(apiTokens).where(eq(apiTokens.id, id)).get();
  if (!row) throw new ApiError('not_found', `No API token ${id}.`);
  const revokedAt = row.revokedAt ?? Date.now();
  await db.batch([
    db.update(apiTokens).set({ revokedAt }).where(eq(apiTokens.id, id)),
    auditInsert(db, c, {
      action: 'api_token.revoke',
      entityType: 'api_token',
      entityId: id,
      summary: { name: row.name, role: row.role },
    }),
  ]);
  return c.json(view({ ...row, revokedAt }), 200);
});
