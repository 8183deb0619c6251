import createClient from 'openapi-fetch';
import type { paths } from '../../../worker/openapi/schema.gen';

/** The error shape every HQ route answers with. */
export interface ApiErrorBody {
  code: string;
  message: string;
  requestId: string;
  fields?: { field: string; in: string; message: string }[];
}

/** A failed API call, carrying the server's error body. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

/**
 * The HQ API, typed by the OpenAPI document (worker/openapi/schema.gen.ts). Authentication is
 * the httpOnly session cookie only: nothing here ever reads, stores or sends a token.
 * `fetch` is looked up per call, not captured at load, so a page's own fetch stays in charge.
 */
export const hq = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  fetch: (request) => globalThis.fetch(request),
});

/** What every openapi-fetch call resolves to: data on success, the parsed error body otherwise. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of a typed call, or an ApiFailure carrying the server's error body. A 204 (or an
 * empty body) resolves to undefined.
 */
export async function ok<T>(call: Answer<T> | Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error as { error?: ApiErrorBody } | undefined)?.error;
  throw new ApiFailure(
    response.status,
    body?.message !== undefined
      ? body
      : { code: 'unknown', message: `HTTP ${response.status}`, requestId: '' },
  );
}

/** A message for any thrown value. */
export const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/** A message for a failed form submission: the server's field problems when it named any. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiFailure && error.body.fields?.length) {
    return error.body.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  }
  return messageOf(error);
}
