import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What the end-to-end tests that drive a local HQ from Node share: signing in, calling the
 * API as that person, polling until something is true, and a throwaway git repository.
 */

/** Where HQ listens: a LocalHq, or the URL of one started some other way (the demo). */
export type HqAt = { url: string };

/** Signs in with local (development) sign-in; the session cookie as a `cookie` header value. */
export async function signInDev(hq: HqAt, email: string): Promise<string> {
  const response = await fetch(`${hq.url}/auth/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: hq.url },
    body: JSON.stringify({ email }),
  });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  // Without this, every later call fails with a 401 that does not say why.
  if (!cookie) throw new Error(`dev sign-in as ${email}: ${response.status}, no session cookie`);
  return cookie;
}

/** An API call as the signed-in person; a call with a body is a POST unless `method` says. */
export type HqApi = <T = unknown>(path: string, body?: unknown, method?: string) => Promise<T>;

/**
 * Calls as a browser would make them: the session cookie and the Origin header (the CSRF
 * check wants it). A non-2xx answer throws with the path, status and body, so a failed setup
 * step says what HQ refused rather than failing later on a missing field.
 */
export function hqApi(hq: HqAt, cookie: string): HqApi {
  return async <T>(path: string, body?: unknown, method?: string): Promise<T> => {
    const verb = method ?? (body === undefined ? 'GET' : 'POST');
    const response = await fetch(`${hq.url}${path}`, {
      method: verb,
      headers: { cookie, origin: hq.url, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${verb} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

export interface WaitOptions {
  /** How long before giving up; 60 unless said. */
  seconds?: number;
  /** How often to check, in milliseconds; 300 unless said. */
  pollMs?: number;
  /** What to add to the timeout's message (the runner's output, the task), read only then. */
  diagnostics?: () => string | Promise<string>;
}

/**
 * Checks until `check` gives something other than undefined, and gives that. An error thrown
 * by `check` is not retried: it ends the wait (a task that FAILED need not time out).
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { seconds = 60, pollMs = 300, diagnostics }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const more = diagnostics ? `\n${await diagnostics()}` : '';
  throw new Error(`timed out waiting for ${what}${more}`);
}

export interface TempRepo {
  dir: string;
  /** Runs git in the repository; its output, trimmed. */
  git(...args: string[]): string;
}

/** A new git repository in a temporary folder, on `main`, with one commit (a README). */
export function tempRepo(prefix: string): TempRepo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# demo\n');
  git('add', '.');
  // The identity is given here, so the commit works where git has no user configured.
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'initial');
  return { dir, git };
}
