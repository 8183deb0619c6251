import type { MinRole } from './guards';

/**
 * The credentials HQ accepts, declared once: the guards check them, and the OpenAPI document
 * describes them from these same constants (each operation's `security` comes from the
 * minimum role its route declares, through `securityFor`), so the two cannot drift.
 */

/** The session cookie's name: set at sign-in (worker/auth/session.ts), read by CSRF checks. */
export const SESSION_COOKIE = 'hq_session';

/** The header Telegram sends the webhook secret in (worker/telegram/guard.ts). */
export const TELEGRAM_SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

/**
 * Paths that act as a person rather than a script: a conversation with the CEO (its memory
 * and confirmations belong to someone), linking Telegram chats, and the office's live socket
 * (re-checked against the person's session). An API token is refused there whatever its role.
 */
export const PERSON_ONLY = [/^\/api\/chat(\/|$)/, /^\/api\/telegram(\/|$)/, /^\/api\/office\/ws$/];

/**
 * Whether an API token may stand in for the session on `path` for a route open to `minRole`:
 * only on /api/* (never on sign-in pages), never on person-only paths, never on admin routes.
 */
export function apiTokenAllowed(minRole: MinRole, path: string): boolean {
  if (minRole !== 'viewer' && minRole !== 'operator') return false;
  return path.startsWith('/api/') && !PERSON_ONLY.some((pattern) => pattern.test(path));
}

/** The security schemes, keyed by the names operations refer to; the document registers them. */
export const SECURITY_SCHEMES = {
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      'The session a browser gets at sign-in (/auth/*). Writes also need a same-origin Origin header.',
  },
  apiToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'hq_api_…',
    description:
      'An API token (Authorization: Bearer hq_api_…) made by an admin, with the viewer or operator role. Never accepted on admin routes or on routes that act as a person.',
  },
  runnerToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'hqr_…',
    description:
      'A runner token (Authorization: Bearer hqr_…), shown once when an admin registers the runner.',
  },
  runToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      "One run's own token, minted with the claim: valid only while that run of the task is RUNNING on that runner.",
  },
  telegramSecret: {
    type: 'apiKey',
    in: 'header',
    name: TELEGRAM_SECRET_HEADER,
    description: 'The webhook secret (TELEGRAM_WEBHOOK_SECRET) Telegram sends with every update.',
  },
} as const;

export type SecuritySchemeName = keyof typeof SECURITY_SCHEMES;

/** One way to authenticate: a scheme name with no scopes (none of HQ's schemes has scopes). */
export type SecurityRequirement = Record<string, string[]>;

const scheme = (name: SecuritySchemeName): SecurityRequirement => ({ [name]: [] });

/**
 * The `security` of an operation whose route declares `minRole` at `path`: any one of the
 * listed requirements is enough; public routes list none (`[]`).
 */
export function securityFor(minRole: MinRole, path: string): SecurityRequirement[] {
  switch (minRole) {
    case 'public':
      return [];
    case 'runner':
      return [scheme('runnerToken')];
    case 'run':
      return [scheme('runToken')];
    case 'telegram':
      return [scheme('telegramSecret')];
    default:
      return apiTokenAllowed(minRole, path)
        ? [scheme('sessionCookie'), scheme('apiToken')]
        : [scheme('sessionCookie')];
  }
}
