import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalHq, startLocalHq } from '../../test/support/local-hq';
import { startTelegramStandIn } from '../../test/support/telegram-stand-in';

export const BOT_TOKEN = '123456:bench-token';
export const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789abcdef';
/** A request that takes this long is stuck, not slow: fail the suite instead of waiting. */
const REQUEST_TIMEOUT_MS = 60_000;

/** A signed-in user: API calls with their session cookie and the app's Origin (CSRF). */
export interface Session {
  email: string;
  /** What each call sends: the session cookie and the app's Origin. */
  headers: Record<string, string>;
  call(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  json<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
}

/** Local HQ for the bench, with its Telegram Bot API stand-in. */
export interface BenchHq {
  url: string;
  /** wrangler dev's pid (its workerd processes are its descendants). */
  pid: number | undefined;
  /** True when started with HQ_BENCH_INSPECTOR=on: wrangler dev with its inspector proxy. */
  inspector: boolean;
  /** The local Bot API server the bot talks to (its `/__calls` lists what was sent). */
  botApiRoot: string;
  signIn(email: string): Promise<Session>;
  /** Posts one update to the webhook as Telegram does. */
  deliver(update: unknown): Promise<Response>;
  /** Resolves when the CEO's queue is empty and it has read the feed to its end. */
  ceoIdle(pollMs?: number): Promise<void>;
  stop(): Promise<void>;
}

let proxyRetries = 0;

/** How many requests were sent again after wrangler dev's proxy lost them (see throughProxy). */
export const proxyRetryCount = () => proxyRetries;

/**
 * Now and then wrangler dev's local proxy loses a request on its way to the worker (a reset
 * connection) and answers 503 itself, without Server-Timing; it retries only GET and HEAD.
 * Anything else is sent again here, as Telegram would redeliver an update.
 */
export async function throughProxy(send: () => Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await send();
    if (attempt >= 3 || response.status !== 503 || response.headers.has('server-timing'))
      return response;
    proxyRetries++;
    await response.arrayBuffer();
  }
}

/** Loads `sql` into the migrated local D1 under `state`, before wrangler dev opens it. */
function seed(root: string, state: string, sql: string) {
  const file = join(state, 'bench-seed.sql');
  writeFileSync(file, sql);
  execFileSync(
    join(root, 'node_modules', '.bin', 'wrangler'),
    ['d1', 'execute', 'DB', '--local', '--persist-to', state, '--file', file, '--yes'],
    {
      cwd: root,
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
      stdio: 'pipe',
    },
  );
}

/**
 * Starts HQ as `npm start` runs it (wrangler dev, local D1 and Durable Objects, temp state)
 * with a Telegram bot whose Bot API is the local stand-in, so replies never leave the machine.
 */
export async function startBenchHq(root: string, seedSql: string): Promise<BenchHq> {
  // As `npm start` runs it: without wrangler's inspector proxy, unless asked for.
  const inspector = process.env.HQ_BENCH_INSPECTOR === 'on';
  const telegram = await startTelegramStandIn();
  let hq: LocalHq;
  try {
    hq = await startLocalHq(
      {
        TELEGRAM_BOT_TOKEN: BOT_TOKEN,
        TELEGRAM_BOT_USERNAME: 'hq_bench_bot',
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
      { prepare: (state) => (seedSql ? seed(root, state, seedSql) : undefined), inspector },
    );
  } catch (error) {
    await telegram.close();
    throw error;
  }
  const url = hq.url;

  async function signIn(email: string): Promise<Session> {
    const login = await fetch(`${url}/auth/dev/login`, {
      method: 'POST',
      headers: { origin: url, 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    if (!login.ok) throw new Error(`sign-in as ${email}: ${login.status} ${await login.text()}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const call = (path: string, init: { method?: string; body?: unknown } = {}) =>
      throughProxy(() =>
        fetch(`${url}${path}`, {
          method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
          headers: { cookie, origin: url, 'content-type': 'application/json' },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        }),
      );
    const json = async <T>(path: string, init: { method?: string; body?: unknown } = {}) => {
      const response = await call(path, init);
      const text = await response.text();
      if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };
    return { email, headers: { cookie, origin: url }, call, json };
  }

  const stop = async () => {
    await hq.stop();
    await telegram.close();
  };
  let admin: Session;
  try {
    admin = await signIn('admin@hq.local');
    await admin.json('/api/settings', {
      method: 'PATCH',
      body: { telegram: { apiRoot: telegram.apiRoot } },
    });
  } catch (error) {
    await stop();
    throw error;
  }

  // The feed's end, followed incrementally: the CEO is idle once it has read that far.
  let feedEnd = 0;
  async function ceoIdle(pollMs = 100) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      for (;;) {
        const page = await admin.json<{ next: number; events: unknown[] }>(
          `/api/events?after=${feedEnd}&limit=500`,
        );
        feedEnd = page.next;
        if (page.events.length < 500) break;
      }
      const state = await admin.json<{ queueDepth: number; eventCursor: number }>('/api/ceo/state');
      if (state.queueDepth === 0 && state.eventCursor >= feedEnd) return;
      if (Date.now() > deadline) throw new Error(`the CEO is still busy: ${JSON.stringify(state)}`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  return {
    url,
    pid: hq.pid,
    inspector,
    botApiRoot: telegram.apiRoot,
    signIn,
    deliver: (update) =>
      throughProxy(() =>
        fetch(`${url}/telegram/webhook`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-telegram-bot-api-secret-token': WEBHOOK_SECRET,
          },
          body: JSON.stringify(update),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        }),
      ),
    ceoIdle,
    stop,
  };
}
