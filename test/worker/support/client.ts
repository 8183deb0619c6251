import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../../worker/index';

export const ORIGIN = 'http://localhost:8787';

export interface CallOptions extends RequestInit {
  /** Replaces configuration values for this request only (e.g. an empty SESSION_SECRET). */
  env?: Partial<Record<keyof Env, unknown>> & Record<string, unknown>;
  /** A `name=value` cookie header. */
  cookie?: string;
  /** A JSON body; sets content-type. */
  json?: unknown;
  /** The client address the edge reports; loopback by default, as under `wrangler dev`. */
  clientIp?: string;
}

/** Sends one request through the real worker entry point, inside workerd, against real D1. */
export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const { env: overrides, cookie, json, clientIp = '127.0.0.1', ...init } = options;
  const headers = new Headers(init.headers);
  headers.set('cf-connecting-ip', clientIp);
  if (cookie) headers.set('cookie', cookie);
  if (json !== undefined) {
    headers.set('content-type', 'application/json');
    init.body = JSON.stringify(json);
  }
  // Writes carry the app's Origin, as a browser would; an explicit empty Origin removes it.
  if (init.method && init.method !== 'GET' && !headers.has('origin')) headers.set('origin', ORIGIN);
  if (headers.get('origin') === '') headers.delete('origin');
  const request = new Request(new URL(path, ORIGIN), { ...init, headers, redirect: 'manual' });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** The `name=value` pair of cookie `name` set by a response, or undefined. */
export function cookieFrom(response: Response, name: string): string | undefined {
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';')[0] ?? '';
    if (pair.startsWith(`${name}=`) && pair.length > name.length + 1) return pair;
  }
  return undefined;
}

/** Signs in through the local sign-in route and returns the session cookie pair. */
export async function signInAs(email: string): Promise<string> {
  const response = await call('/auth/dev/login', { method: 'POST', json: { email } });
  if (response.status !== 200) {
    throw new Error(`sign-in as ${email} failed: ${response.status} ${await response.text()}`);
  }
  const cookie = cookieFrom(response, 'hq_session');
  if (!cookie) throw new Error('sign-in set no session cookie');
  return cookie;
}

/** The parsed error body of an error response. */
export async function errorOf(response: Response) {
  const body = (await response.json()) as {
    error: {
      code: string;
      message: string;
      requestId: string;
      fields?: { field: string; in: string; message: string }[];
    };
  };
  return body.error;
}
