import { expect } from 'vitest';
import { call, signInAs } from '../support/client';

export const plan = (extra: Record<string, unknown> = {}) => ({
  title: 'Ship the thing',
  brief: 'Why and what.',
  repository: 'acme/app',
  tasks: [
    { title: 'Backend part', spec: 'Do the backend.', expectedScope: ['src/**'] },
    { title: 'Docs part', spec: 'Write the docs.', expectedScope: ['docs/**'] },
  ],
  ...extra,
});

/** Creates agents (as admin) that can take work. */
export async function hire(
  ...agents: {
    slug: string;
    role?: string;
    type?: string;
    monthlyBudgetUsd?: number;
    monthlyBudgetTokens?: number;
  }[]
) {
  const admin = await signInAs('admin@test.hq');
  for (const a of agents) {
    const response = await call('/api/agents', {
      method: 'POST',
      cookie: admin,
      json: {
        name: a.slug,
        type: 'WORKER',
        role: 'Engineer',
        model: 'm',
        provider: 'openai',
        ...a,
      },
    });
    expect(response.status, await response.clone().text()).toBe(201);
  }
}

export interface MissionBody {
  id: string;
  status: string;
  changed?: boolean;
  tasks: { id: string; status: string; agentId: string | null; title: string }[];
}

export async function propose(body: Record<string, unknown> = plan()) {
  const operator = await signInAs('operator@test.hq');
  const response = await call('/api/missions', { method: 'POST', cookie: operator, json: body });
  expect(response.status, await response.clone().text()).toBe(201);
  return { mission: (await response.json()) as MissionBody, operator };
}

export async function approve(id: string, cookie: string) {
  return call(`/api/missions/${id}/approve`, { method: 'POST', cookie, json: {} });
}
