import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { approve, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';

/** Registers a runner as admin and returns its one-time token. */
export async function registerRunner(name = 'runner-1') {
  const admin = await signInAs('admin@test.hq');
  const response = await call('/api/runners', { method: 'POST', cookie: admin, json: { name } });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { id: string; token: string };
  return { ...body, admin };
}

/** A runner API call with the bearer token. */
export function runnerCall(
  token: string,
  path: string,
  init: { method?: string; json?: unknown } = {},
) {
  return call(path, {
    method: init.method ?? 'POST',
    json: init.json,
    headers: { authorization: `Bearer ${token}` },
  });
}

export interface ClaimBody {
  task: { id: string; status: string; branch: string; baseBranch: string; expectedScope: string[] };
  mission: { repository: string; targetBranch: string };
  agent: { slug: string } | null;
}

export const success = (paths: string[], extra: Record<string, unknown> = {}) => ({
  outcome: 'success',
  commits: ['a1b2c3d4e5f6'],
  numstat: paths.map((path) => ({ path, added: 3, removed: 1 })),
  inputTokens: 1200,
  outputTokens: 300,
  costUsd: 0.42,
  provider: 'openai',
  model: 'gpt-4.1',
  ...extra,
});

export interface Claimed {
  task: { id: string; title: string; spec: string; expectedScope: string[] };
  mission: { title: string; brief: string };
  agent: {
    slug: string;
    identity: string;
    model: string;
    tools: string[];
    executor: unknown;
    mcpServers: Record<string, { env?: Record<string, string>; headers?: Record<string, string> }>;
  } | null;
}

/** One approved mission with one task for `agent`; returns the task's id. */
export async function taskFor(agent: string, title = `work for ${agent}`) {
  const { mission, operator } = await propose(
    plan({
      title,
      brief: `The brief of ${title}.`,
      tasks: [{ title, spec: 'Do it well.', expectedScope: ['src/**'], agentHint: agent }],
    }),
  );
  const body = (await (await approve(mission.id, operator)).json()) as { tasks: { id: string }[] };
  return body.tasks[0]?.id ?? '';
}

/** A claim that does not wait: the task handed over, or null (204). */
export async function claimNow(token: string) {
  const response = await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } });
  return response.status === 204 ? null : ((await response.json()) as Claimed);
}

/** What a runner says it can run at start. */
export const declare = (token: string, capabilities: unknown) =>
  runnerCall(token, '/api/runner/capabilities', { method: 'PUT', json: { capabilities } });

/** Tasks of earlier tests would otherwise be claimed by the next test's runners. */
export const cancelOpenTasks = () =>
  env.DB.prepare(
    "UPDATE tasks SET status = 'CANCELLED' WHERE status NOT IN ('DONE', 'FAILED', 'CANCELLED')",
  ).run();
