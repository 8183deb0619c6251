import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { type ApiTokenRole, apiTokens, type Role } from '../../../drizzle/schema';
import { auditRow } from '../../audit/record';
import { database } from '../../db/client';
import type { HonoEnv } from '../../env';
import { PERSON_ONLY } from '../../http/credentials';
import { ApiError } from '../../http/errors';
import { randomToken, sha256 } from '../crypto';

/**
 * API tokens carry a prefix so secret scanners and our own redaction recognise a leaked one,
 * and so neither guard mistakes one for the other: runner tokens start `hqr_`.
 */
export const API_TOKEN_PREFIX = 'hq_api_';

/** How stale last_used_at may get: one write a minute per token, not one per request. */
const LAST_USED_EVERY_MS = 60_000;

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

type TokenRow = typeof apiTokens.$inferSelect;

/** Why a known token may not make this call, or undefined when it may. */
function refusal(c: Context<HonoEnv>, row: TokenRow, minRole: Role, now: number) {
  const actor = tokenActor(row.name);
  if (row.revokedAt !== null) {
    return new ApiError(
      'unauthenticated',
      `API token ${row.name} was revoked at ${iso(row.revokedAt)}.`,
    );
  }
  if (row.expiresAt !== null && row.expiresAt <= now) {
    return new ApiError(
      'unauthenticated',
      `API token ${row.name} expired at ${iso(row.expiresAt)}.`,
    );
  }
  if (minRole === 'admin') {
    return new ApiError(
      'forbidden',
      `API tokens never reach admin routes; ${actor} is ${row.role}. Sign in as an admin.`,
    );
  }
  if (PERSON_ONLY.some((pattern) => pattern.test(c.req.path))) {
    return new ApiError(
      'forbidden',
      `${c.req.path} acts as a person: sign in; API tokens are refused here.`,
    );
  }
  if (minRole === 'operator' && row.role !== 'operator') {
    return new ApiError('forbidden', `This needs the operator role; ${actor} is ${row.role}.`);
  }
  return undefined;
}

/** One audit row naming the token, the request and how it ended. */
function auditUse(
  c: Context<HonoEnv>,
  row: TokenRow,
  action: string,
  outcome: Record<string, unknown>,
) {
  return auditRow(database(c.env), {
    actor: tokenActor(row.name),
    action,
    entityType: 'api_token',
    entityId: row.id,
    requestId: c.get('requestId'),
    summary: { method: c.req.method, path: c.req.path, ...outcome },
  }).run();
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Runs a route open to `minRole` as the presented token's principal, `token:<name>` with the
 * token's role: 401 naming why when the token is unknown, revoked or expired; 403 on admin
 * routes (a token is never an admin, for reads as for writes), person-only routes, or when
 * its role is too low. Attribution: every write request and every refusal of a known token
 * adds an audit row under its name (besides what the route itself audits as that actor);
 * reads are noted in last_used_at, at most once a minute, so a poller does not flood the log.
 */
export async function runAsApiToken(
  c: Context<HonoEnv>,
  token: string,
  minRole: Role,
  next: () => Promise<void>,
): Promise<void> {
  const db = database(c.env);
  const row = await db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, await sha256(token)))
    .get();
  if (!row) throw new ApiError('unauthenticated', 'Unknown API token.');
  const now = Date.now();
  const refused = refusal(c, row, minRole, now);
  if (refused) {
    await auditUse(c, row, 'api_token.refused', {
      status: refused.status,
      reason: refused.message,
    });
    throw refused;
  }
  const role: ApiTokenRole = row.role;
  c.set('user', { email: tokenActor(row.name), role });
  if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_EVERY_MS) {
    c.executionCtx.waitUntil(
      db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run(),
    );
  }
  if (READS.has(c.req.method)) return next();
  try {
    await next();
  } finally {
    // Even a write the route does not audit itself (a CEO scan) is on record as this token's.
    await auditUse(c, row, 'api_token.request', { status: c.res.status });
  }
}
