import { expect } from 'vitest';
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
