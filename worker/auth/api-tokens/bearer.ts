import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { type ApiTokenRole, apiTokens, type Role } from '../../../drizzle/schema';
import { database } from '../../db/client';
import type { HonoEnv, SignedInUser } from '../../env';
import { ApiError } from '../../http/errors';
import { randomToken, sha256 } from '../crypto';

/**
 * API tokens carry a prefix so secret scanners and our own redaction recognise a leaked one,
 * and so neither guard mistakes one for the other: runner tokens start `hqr_`.
 */
export const API_TOKEN_PREFIX = 'hq_api_';

/** How stale last_used_at may get: one write a minute per token, not one per request. */
const LAST_USED_EVERY_MS = 60_000;

/**
 * Routes that act as a person rather than a script: a conversation with the CEO (its memory
 * and confirmations belong to someone), linking Telegram chats, and the office's live socket
 * (re-checked against the person's session). A token is refused there whatever its role.
 */
const PERSON_ONLY = [/^\/api\/chat(\/|$)/, /^\/api\/telegram(\/|$)/, /^\/api\/office\/ws$/];

/** A fresh token: the prefix and 32 random bytes, base64url. */
export const mintApiToken = () => `${API_TOKEN_PREFIX}${randomToken(32)}`;

/** The principal a token acts as; the audit log's actor for everything it writes. */
export const tokenActor = (name: string) => `token:${name}`;

/**
 * The API token a request presents, or undefined. Only `/api/*` takes one: on sign-in and
 * sign-out (/auth/*) and anywhere else a bearer token is ignored, so it never stands in for a
 * session on a page. Another kind of bearer (a runner's) is no API token either.
 */
export function presentedApiToken(c: Context<HonoEnv>): string | undefined {
  if (!c.req.path.startsWith('/api/')) return undefined;
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  return token?.startsWith(API_TOKEN_PREFIX) ? token : undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The principal of a presented token on a route open to `minRole`: 401 naming why when the
 * token is unknown, revoked or expired; 403 on admin routes (a token is never an admin, for
 * reads as for writes) and person-only routes, or when its role is too low.
 */
export async function apiTokenUser(
  c: Context<HonoEnv>,
  token: string,
  minRole: Role,
): Promise<SignedInUser> {
  const db = database(c.env);
  const row = await db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, await sha256(token)))
    .get();
  const now = Date.now();
  if (!row) throw new ApiError('unauthenticated', 'Unknown API token.');
  if (row.revokedAt !== null) {
    throw new ApiError(
      'unauthenticated',
      `API token ${row.name} was revoked at ${iso(row.revokedAt)}.`,
    );
  }
  if (row.expiresAt !== null && row.expiresAt <= now) {
    throw new ApiError(
      'unauthenticated',
      `API token ${row.name} expired at ${iso(row.expiresAt)}.`,
    );
  }
  const actor = tokenActor(row.name);
  if (minRole === 'admin') {
    throw new ApiError(
      'forbidden',
      `API tokens never reach admin routes; ${actor} is ${row.role}. Sign in as an admin.`,
    );
  }
  if (PERSON_ONLY.some((pattern) => pattern.test(c.req.path))) {
    throw new ApiError(
      'forbidden',
      `${c.req.path} acts as a person: sign in; API tokens are refused here.`,
    );
  }
  const role: ApiTokenRole = row.role;
  if (minRole === 'operator' && role !== 'operator') {
    throw new ApiError('forbidden', `This needs the operator role; ${actor} is ${role}.`);
  }
  if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_EVERY_MS) {
    c.executionCtx.waitUntil(
      db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run(),
    );
  }
  return { email: actor, role };
}
