import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HonoEnv } from '../env';

export type ErrorCode =
  | 'invalid_json'
  | 'validation_failed'
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf_rejected'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'upgrade_required'
  | 'misconfigured'
  | 'upstream_failed'
  | 'internal';

export interface FieldProblem {
  field: string;
  in: 'body' | 'query' | 'path' | 'header' | 'cookie';
  message: string;
}

/** The one error type of the API; `onError` turns it into the one error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldProblem[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const codeForStatus: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  426: 'upgrade_required',
  503: 'misconfigured',
};

/** Renders `{ error: { code, message, requestId, fields? } }`. */
export function errorResponse(c: Context<HonoEnv>, error: ApiError): Response {
  if (wantsPage(c)) return errorPage(c, error);
  const body = {
    error: {
      code: error.code,
      message: error.message,
      requestId: c.get('requestId'),
      ...(error.fields ? { fields: error.fields } : {}),
    },
  };
  return c.json(body, error.status);
}

/** app.onError: every thrown thing becomes the error shape; only 5xx are logged. */
export function handleError(err: Error, c: Context<HonoEnv>): Response {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own validators throw this for unparseable bodies.
    const malformed = /malformed json/i.test(err.message);
    const code = malformed ? 'invalid_json' : (codeForStatus[err.status] ?? 'bad_request');
    const message = malformed
      ? 'The request body is not valid JSON.'
      : err.status === 415
        ? 'Send the body as JSON, with Content-Type: application/json.'
        : err.message;
    const fields: FieldProblem[] | undefined = malformed
      ? [{ field: '(body)', in: 'body', message: 'not valid JSON' }]
      : undefined;
    return errorResponse(
      c,
      new ApiError(err.status as ContentfulStatusCode, code, message, fields),
    );
  }
  // Log the message and request id only: never headers or bodies, which may carry secrets.
  // Drizzle puts bound values after "params:" in its messages: cut them, they may be secrets.
  const message = err.message.split('\nparams:')[0]?.slice(0, 500);
  console.error(`[${c.get('requestId')}] ${c.req.method} ${c.req.path} failed: ${message}`);
  return errorResponse(c, new ApiError(500, 'internal', 'Something went wrong on our side.'));
}

/** app.notFound: unknown routes answer 404 in the same shape. */
export function handleNotFound(c: Context<HonoEnv>): Response {
  return errorResponse(
    c,
    new ApiError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`),
  );
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

function errorPage(c: Context<HonoEnv>, error: ApiError): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>HQ: sign-in failed</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>Sign-in failed</h1><p>${escapeHtml(error.message)}</p>
<p><a href="/signin">Back to sign-in</a></p>
<p style="color:#777;font-size:.85rem">Request ${escapeHtml(c.get('requestId'))}</p></body></html>`;
  return c.html(html, error.status);
}
