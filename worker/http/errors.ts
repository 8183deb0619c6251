import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HonoEnv } from '../env';
import { DomainError, type ErrorCode, type ErrorOptions, type FieldProblem } from '../errors';

/**
 * The HTTP status of every error code: the one place a failure meets HTTP. A Record, so a new
 * code does not compile until it has a status here.
 */
export const statusFor: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_json: 400,
  validation_failed: 400,
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_rejected: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  upgrade_required: 426,
  rate_limited: 429,
  internal: 500,
  upstream_failed: 502,
  misconfigured: 503,
  overloaded: 503,
};

/** A failure of the HTTP layer itself (guards, routes, middleware); its status follows its code. */
export class ApiError extends DomainError {
  readonly status: ContentfulStatusCode;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ApiError';
    this.status = statusFor[code];
  }
}

/** The code of an exception Hono threw itself, which arrives with a status and no code. */
const codeForHonoStatus: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  426: 'upgrade_required',
  429: 'rate_limited',
  503: 'misconfigured',
};

/** Renders `{ error: { code, message, requestId, fields? } }`. */
export function errorResponse(
  c: Context<HonoEnv>,
  error: DomainError,
  status: ContentfulStatusCode = statusFor[error.code],
): Response {
  if (wantsPage(c)) return errorPage(c, error, status);
  const body = {
    error: {
      code: error.code,
      message: error.message,
      requestId: c.get('requestId'),
      ...(error.fields ? { fields: error.fields } : {}),
    },
  };
  return c.json(body, status);
}

/** app.onError: every thrown thing becomes the error shape; only 5xx are logged. */
export function handleError(err: Error, c: Context<HonoEnv>): Response {
  // ApiError or a domain module's DomainError (unwrapped from a Durable Object's Outcome too).
  if (err instanceof DomainError) return errorResponse(c, err);
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own validators throw this for unparseable bodies.
    const malformed = /malformed json/i.test(err.message);
    const code = malformed ? 'invalid_json' : (codeForHonoStatus[err.status] ?? 'bad_request');
    const message = malformed
      ? 'The request body is not valid JSON.'
      : err.status === 415
        ? 'Send the body as JSON, with Content-Type: application/json.'
        : err.message;
    const fields: FieldProblem[] | undefined = malformed
      ? [{ field: '(body)', in: 'body', message: 'not valid JSON' }]
      : undefined;
    // Hono chose the status: it is kept as is, even one the table would not give this code.
    return errorResponse(
      c,
      new ApiError(code, message, { fields, cause: err }),
      err.status as ContentfulStatusCode,
    );
  }
  // Log the message and request id only: never headers or bodies, which may carry secrets.
  // Drizzle puts bound values after "params:" in its messages: cut them, they may be secrets.
  const message = err.message.split('\nparams:')[0]?.slice(0, 500);
  console.error(`[${c.get('requestId')}] ${c.req.method} ${c.req.path} failed: ${message}`);
  return errorResponse(
    c,
    new ApiError('internal', 'Something went wrong on our side.', { cause: err }),
  );
}

/** app.notFound: unknown routes answer 404 in the same shape. */
export function handleNotFound(c: Context<HonoEnv>): Response {
  return errorResponse(c, new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}.`));
}

/**
 * Sign-in redirects are page navigations: a browser landing on a failed callback gets a
 * readable page with the same status, not raw JSON.
 */
function wantsPage(c: Context<HonoEnv>): boolean {
  return (
    c.req.method === 'GET' &&
    c.req.path.startsWith('/auth/') &&
    (c.req.header('accept') ?? '').includes('text/html')
  );
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function errorPage(
  c: Context<HonoEnv>,
  error: DomainError,
  status: ContentfulStatusCode,
): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>HQ: sign-in failed</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>Sign-in failed</h1><p>${escapeHtml(error.message)}</p>
<p><a href="/signin">Back to sign-in</a></p>
<p style="color:#777;font-size:.85rem">Request ${escapeHtml(c.get('requestId'))}</p></body></html>`;
  // A page of text with inline styles and no script: its own, narrower policy.
  c.header(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  );
  return c.html(html, status);
}
