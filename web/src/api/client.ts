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
 * Calls the HQ API. Authentication is the httpOnly session cookie only: nothing here ever
 * reads, stores or sends a token.
 */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (data as { error?: ApiErrorBody } | undefined)?.error;
    throw new ApiFailure(
      response.status,
      error ?? { code: 'unknown', message: `HTTP ${response.status}`, requestId: '' },
    );
  }
  return data as T;
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
