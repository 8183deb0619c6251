import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { call, signInAs } from '../support/client';
import { type AgentBody, newAgent } from './support';

/** A fresh ENCRYPTION_KEY: 32 random bytes, base64. */
export function newKey(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
}

/** Creates an agent as admin with its MCP servers sealed under `key` (the create runs in the worker). */
export async function createSealedUnder(
  key: string,
  slug: string,
  mcpServers: Record<string, unknown>,
): Promise<AgentBody> {
  const response = await call('/api/agents', {
    method: 'POST',
    cookie: await signInAs('admin@test.hq'),
    json: newAgent(slug, { mcpServers }),
    env: { ENCRYPTION_KEY: key },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as AgentBody;
}

/** The sealed MCP servers of an agent as D1 holds them. */
export async function sealedOf(slug: string): Promise<string> {
  const row = await env.DB.prepare('SELECT mcp_servers_sealed FROM agents WHERE slug = ?')
    .bind(slug)
    .first<{ mcp_servers_sealed: string }>();
  return row?.mcp_servers_sealed ?? '';
}

export type AgentWithSecrets = AgentBody & { unreadableSecrets: string[] };

/** GET /api/agents/{slug} under `keys`, expecting 200. */
export async function readAgent(
  slug: string,
  keys: Record<string, string> = {},
): Promise<AgentWithSecrets> {
  const response = await call(`/api/agents/${slug}`, {
    cookie: await signInAs('viewer@test.hq'),
    env: keys,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as AgentWithSecrets;
}

export interface ResealReport {
  resealed: number;
  alreadyCurrent: number;
  unreadable: number;
  unreadableAgents: { slug: string; servers: string[] }[];
}

/** POST /api/admin/secrets/reseal as admin under `keys`, expecting 200. */
export async function reseal(keys: Record<string, string> = {}): Promise<ResealReport> {
  const response = await call('/api/admin/secrets/reseal', {
    method: 'POST',
    cookie: await signInAs('admin@test.hq'),
    env: keys,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as ResealReport;
}

/** Every text cell of the audit log and the revisions, as one string. */
export async function historyText(): Promise<string> {
  const audit = await env.DB.prepare('SELECT * FROM audit_log').all();
  const revisions = await env.DB.prepare('SELECT * FROM agent_revisions').all();
  return JSON.stringify([audit.results, revisions.results]);
}
