import type { MiddlewareHandler } from 'hono';
import { timingSafeEqual } from '../auth/crypto';
import { envValue, type HonoEnv } from '../env';
import { TELEGRAM_SECRET_HEADER as HEADER } from '../http/credentials';
import { ApiError } from '../http/errors';

/**
 * The guard of the webhook: Telegram's secret header, compared in constant time. Without a
 * configured secret, or one too weak to guard it (the placeholder, under 32 characters),
 * nothing is accepted (fail closed); without a bot the route is not there.
 */
export const requireTelegram: MiddlewareHandler<HonoEnv> = async function requireTelegram(c, next) {
  if (!envValue(c.env, 'TELEGRAM_BOT_TOKEN'))
    throw new ApiError('not_found', 'Telegram is not set up on this HQ.');
  const secret = envValue(c.env, 'TELEGRAM_WEBHOOK_SECRET');
  const problem = secretProblem(secret);
  if (problem || !secret)
    throw new ApiError(
      'misconfigured',
      `TELEGRAM_WEBHOOK_SECRET ${problem}: the webhook refuses every update.`,
    );
  const sent = c.req.header(HEADER) ?? '';
  // Hash both sides first, so the comparison takes the same time whatever the lengths.
  const [a, b] = await Promise.all([digest(sent), secretDigest(secret)]);
  if (!sent || !timingSafeEqual(a, b))
    throw new ApiError('unauthenticated', `Missing or wrong ${HEADER} header.`);
  await next();
};

/** The placeholder .dev.vars.example holds until `npm start` replaces it. */
const PLACEHOLDER = 'generated-on-first-start';
export const MIN_WEBHOOK_SECRET_LENGTH = 32;

/** Why a configured secret cannot guard the webhook, or null when it can. */
function secretProblem(secret: string | undefined): string | null {
  if (!secret) return 'is not set';
  if (secret === PLACEHOLDER) return `is still the placeholder "${PLACEHOLDER}"`;
  if (secret.length < MIN_WEBHOOK_SECRET_LENGTH)
    return `is ${secret.length} characters; it needs ${MIN_WEBHOOK_SECRET_LENGTH} or more`;
  return null;
}

/** The configured secret's digest, computed once per isolate (it is the same for every update). */
let known: { secret: string; digest: Promise<string> } | undefined;
function secretDigest(secret: string): Promise<string> {
  if (known?.secret !== secret) known = { secret, digest: digest(secret) };
  return known.digest;
}

async function digest(value: string): Promise<string> {
  const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}
