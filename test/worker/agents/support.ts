import { expect } from 'vitest';
import { call, signInAs } from '../support/client';

export interface AgentBody {
  id: string;
  slug: string;
  revision: number;
  mcpServers: Record<string, { env?: Record<string, string>; headers?: Record<string, string> }>;
  [field: string]: unknown;
}

export const newAgent = (slug: string, extra: Record<string, unknown> = {}) => ({
  slug,
  name: `Agent ${slug}`,
  type: 'WORKER',
  role: 'Backend engineer',
  identity: 'Line one.\nLine two.',
  model: 'gpt-4.1',
  provider: 'openai',
  ...extra,
});

/** Creates an agent as admin and returns it with the admin cookie. */
export async function createAgent(slug: string, extra: Record<string, unknown> = {}) {
  const admin = await signInAs('admin@test.hq');
  const response = await call('/api/agents', {
    method: 'POST',
    cookie: admin,
    json: newAgent(slug, extra),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return { agent: (await response.json()) as AgentBody, admin };
}

export async function patch(slug: string, cookie: string, body: Record<string, unknown>) {
  return call(`/api/agents/${slug}`, { method: 'PATCH', cookie, json: body });
}
