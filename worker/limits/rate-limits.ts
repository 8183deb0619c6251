import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { settings } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { Settings, type SettingsValue } from '../settings/schema';

export type RateLimits = SettingsValue['rateLimits'];

/** The counter's answer to one request (durable-objects/rate-limit-do.ts). */
export interface LimitVerdict {
  allowed: boolean;
  /** When refused: seconds until the oldest counted hit leaves the window (at least 1). */
  retryAfterSeconds: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** What is counted, per which key, and over which window. */
const SCOPES = {
  'sign-in': { setting: 'signInStartsPerMinute', windowMs: MINUTE, what: 'sign-in starts' },
  chat: { setting: 'chatTurnsPerHour', windowMs: HOUR, what: 'chat turns' },
  media: { setting: 'mediaPerHour', windowMs: HOUR, what: 'photos, voice notes and documents' },
  'link-code': {
    setting: 'linkCodeAttemptsPerHour',
    windowMs: HOUR,
    what: 'link-code attempts',
  },
} as const satisfies Record<string, { setting: keyof RateLimits; windowMs: number; what: string }>;

export type LimitScope = keyof typeof SCOPES;

/**
 * The limits in force. Only the one settings row, not every setting: the sign-in start
 * reads it for every anonymous hit.
 */
export async function readRateLimits(env: Env): Promise<RateLimits> {
  const row = await database(env)
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, 'rateLimits'))
    .get();
  const parsed = Settings.shape.rateLimits.safeParse(row?.value);
  return parsed.success ? parsed.data : Settings.shape.rateLimits.parse(undefined);
}

export interface Limited extends LimitVerdict {
  limit: number;
  /** "20 chat turns an hour": for messages. */
  rule: string;
}

/** Counts one request of `scope` for `key` (an IP, an email, a chat id). */
export async function countHit(
  env: Env,
  scope: LimitScope,
  key: string,
  limits?: RateLimits,
): Promise<Limited> {
  const { setting, windowMs, what } = SCOPES[scope];
  const limit = (limits ?? (await readRateLimits(env)))[setting];
  const verdict = await env.RATE_LIMIT.getByName(`${scope}:${key}`).hit(limit, windowMs);
  const per = windowMs === HOUR ? 'an hour' : 'a minute';
  return { ...verdict, limit, rule: `${limit} ${what} ${per}` };
}

/** "in 42 seconds", "in 12 minutes": when to try again, for people. */
export function inTime(seconds: number): string {
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  return `in ${Math.ceil(seconds / 60)} minutes`;
}

/**
 * Counts one request in a route; past the limit, a 429 `rate_limited` in the one error shape
 * with Retry-After (set on the context, so the error response carries it).
 */
export async function enforceLimit(
  c: Context<HonoEnv>,
  scope: LimitScope,
  key: string,
): Promise<void> {
  const verdict = await countHit(c.env, scope, key);
  if (verdict.allowed) return;
  c.header('Retry-After', String(verdict.retryAfterSeconds));
  throw new ApiError(
    'rate_limited',
    `Too many requests: the limit is ${verdict.rule}. Try again ${inTime(verdict.retryAfterSeconds)}.`,
  );
}

/** The client's address as Cloudflare's edge reports it (wrangler dev sets it too). */
export function clientIp(c: Context<HonoEnv>): string {
  return c.req.header('cf-connecting-ip') ?? 'unknown';
}
