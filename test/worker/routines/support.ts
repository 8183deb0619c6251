import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { type CallOptions, call, signInAs } from '../support/client';

/** A mission template as the Routines form sends it. */
export const template = (extra: Record<string, unknown> = {}) => ({
  title: 'Weekly dependency bump',
  brief: 'Bump what is outdated; keep the build green.',
  repository: 'acme/app',
  tasks: [
    { title: 'Bump packages', spec: 'npm outdated, then bump.', expectedScope: ['package.json'] },
    { title: 'Fix fallout', spec: 'Fix what broke.', expectedScope: ['src/**'] },
  ],
  ...extra,
});

export interface RoutineBody {
  id: string;
  name: string;
  kind: string;
  cron: string | null;
  timeZone: string;
  nextRunAt: string | null;
  webhook: { url: string } | null;
  preApproved: boolean;
  preApprovedBy: string | null;
  paused: boolean;
  pausedBy: string | null;
  revision: number;
  archivedAt: string | null;
  agent: { id: string; slug: string; name: string } | null;
  repository: string | null;
  targetBranch: string;
  lastFire: FireBody | null;
  template: Record<string, unknown> | null;
}

export interface FireBody {
  id: string;
  trigger: string;
  status: string;
  reason: string | null;
  actor: string;
  duplicate?: boolean;
  mission: { id: string; title: string; status: string } | null;
  planningJobId: string | null;
}

export const operator = () => signInAs('operator@test.hq');

/** Creates a routine as the operator; fails the test unless it answers 201. */
export async function createRoutine(body: Record<string, unknown>, cookie?: string) {
  const who = cookie ?? (await operator());
  const response = await call('/api/routines', { method: 'POST', cookie: who, json: body });
  expect(response.status, await response.clone().text()).toBe(201);
  const created = (await response.json()) as { routine: RoutineBody; webhookSecret: string | null };
  return { ...created, cookie: who };
}

/** A mission routine named `name` (webhook on unless said otherwise). */
export const missionRoutine = (name: string, extra: Record<string, unknown> = {}) =>
  createRoutine({
    name,
    kind: 'mission',
    template: template({ title: name }),
    webhook: true,
    ...extra,
  });

export const send = (path: string, cookie: string, options: CallOptions = {}) =>
  call(path, { method: 'POST', cookie, json: {}, ...options });

/** `sha256=<hex HMAC-SHA256(secret, body)>`, as GitHub signs a delivery. */
export async function sign(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A webhook delivery: no cookie, no Origin, as GitHub sends it. */
export async function deliver(
  routineId: string,
  secret: string,
  body: string,
  headers: Record<string, string> = {},
) {
  return call(`/api/hooks/routines/${routineId}`, {
    method: 'POST',
    body,
    headers: {
      origin: '',
      'content-type': 'application/json',
      'x-hub-signature-256': await sign(secret, body),
      ...headers,
    },
  });
}

/** Rows of a table for one routine (or one mission), straight from D1. */
export async function count(sql: string, ...binds: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...binds)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export const missionsOf = (routineId: string) =>
  count(
    'SELECT count(*) AS n FROM routine_fires WHERE routine_id = ? AND mission_id IS NOT NULL',
    routineId,
  );

/** Missions with this title: routines in these tests each propose a title of their own. */
export const missionsTitled = (title: string) =>
  count('SELECT count(*) AS n FROM missions WHERE title = ?', title);
