import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { approve, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';

/** The repositories the tests' missions name (missions/support.ts `plan()`, the demo company). */
export const TEST_REPOSITORIES = [
  { name: 'acme/app', pushes: false },
  { name: 'demo/storefront', pushes: false },
];

/** A head commit as a runner reports it: 40 lowercase hex digits. */
export const headCommit = (n = 1) => n.toString(16).padStart(40, 'c');

/**
 * Registers a runner as admin and returns its one-time token. The runner then declares, as
 * one does at start, that it serves `serves` (and no executor preset); null: it declares
 * nothing, so it serves no repository and claims nothing.
 */
export async function registerRunner(
  name = 'runner-1',
  serves: { name: string; pushes: boolean }[] | null = TEST_REPOSITORIES,
) {
  const admin = await signInAs('admin@test.hq');
  const response = await call('/api/runners', { method: 'POST', cookie: admin, json: { name } });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { id: string; token: string; startCommand: string };
  if (serves) expect((await declare(body.token, [], serves)).status).toBe(200);
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
  headCommit: headCommit(),
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
  task: {
    id: string;
    title: string;
    spec: string;
    expectedScope: string[];
    headCommit: string | null;
    headPushed: boolean;
  };
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

/** One approved mission (of `mission`'s fields) with one task for `agent`; returns its id. */
export async function taskFor(
  agent: string,
  title = `work for ${agent}`,
  mission: Record<string, unknown> = {},
) {
  const { mission: proposed, operator } = await propose(
    plan({
      ...mission,
      title,
      brief: `The brief of ${title}.`,
      tasks: [{ title, spec: 'Do it well.', expectedScope: ['src/**'], agentHint: agent }],
    }),
  );
  const approved = await approve(proposed.id, operator);
  const body = (await approved.json()) as { tasks: { id: string }[] };
  return body.tasks[0]?.id ?? '';
}

/** A claim that does not wait: the task handed over, or null (204). */
export async function claimNow(token: string, extra: Record<string, unknown> = {}) {
  const response = await runnerCall(token, '/api/runner/claim', {
    json: { waitSeconds: 0, ...extra },
  });
  return response.status === 204 ? null : ((await response.json()) as Claimed);
}

/** What a runner says at start: what it can run, and the repositories it serves. */
export const declare = (token: string, capabilities: unknown, repositories = TEST_REPOSITORIES) =>
  runnerCall(token, '/api/runner/capabilities', {
    method: 'PUT',
    json: { capabilities, repositories },
  });

/** Approved tasks leased to this runner for their merge. */
export async function leased(token: string) {
  const response = await runnerCall(token, '/api/runner/verdicts');
  expect(response.status, await response.clone().text()).toBe(200);
  return (
    (await response.json()) as {
      approved: {
        taskId: string;
        branch: string;
        baseBranch: string;
        repository: string;
        headCommit: string;
        pushed: boolean;
      }[];
    }
  ).approved;
}

/** Tasks of earlier tests would otherwise be claimed by the next test's runners. */
export const cancelOpenTasks = () =>
  env.DB.prepare(
    "UPDATE tasks SET status = 'CANCELLED' WHERE status NOT IN ('DONE', 'FAILED', 'CANCELLED')",
  ).run();
