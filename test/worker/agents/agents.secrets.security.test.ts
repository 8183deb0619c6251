import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { McpServersConfig } from '../../../worker/agents/fields';
import { unseal } from '../../../worker/secrets/seal';
import { call, signInAs } from '../support/client';
import { type AgentBody, createAgent, patch } from './support';

const SECRET = 'ghp_PLANTED-SECRET-7f3a9c1e5b';
const HEADER_SECRET = 'Bearer PLANTED-HEADER-4d2b8e';

/** Every text cell of every table, as one string per row. */
async function allRows(): Promise<string[]> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  const rows: string[] = [];
  for (const { name } of tables.results) {
    const result = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    for (const row of result.results) rows.push(`${name}: ${JSON.stringify(row)}`);
  }
  return rows;
}

describe('agents: secrets never land in history', () => {
  const logged: string[] = [];
  beforeEach(() => {
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    }
  });
  afterEach(() => {
    logged.length = 0;
  });

  it('stores planted secrets only encrypted in the live config', async () => {
    const servers = {
      github: { command: 'github-mcp', env: { GITHUB_TOKEN: SECRET, LOG_LEVEL: 'debug' } },
      search: { url: 'https://mcp.example.com/sse', headers: { Authorization: HEADER_SECRET } },
    };
    const { agent, admin } = await createAgent('vault', { mcpServers: servers });
    const responses: string[] = [JSON.stringify(agent)];
    const changed = await patch('vault', admin, {
      mcpServers: {
        ...servers,
        github: {
          command: 'github-mcp',
          env: { GITHUB_TOKEN: `${SECRET}-rotated`, LOG_LEVEL: 'info' },
        },
      },
    });
    expect(changed.status).toBe(200);
    const change = (await changed.json()) as {
      revision: number;
      changes: { path: unknown[]; kind: string; old?: unknown; new?: unknown }[];
    };
    responses.push(JSON.stringify(change));
    // The diff says which secret changed without saying what it was or became.
    expect(change.changes).toContainEqual({
      field: 'mcpServers',
      kind: 'changed',
      path: ['github', 'env', 'GITHUB_TOKEN'],
      old: '[REDACTED]',
      new: '[REDACTED]',
    });
    for (const path of [
      '/api/agents/vault',
      '/api/agents',
      '/api/agents/vault/revisions',
      '/api/agents/vault/revisions/0',
      '/api/agents/vault/revisions/1',
      '/api/audit',
    ]) {
      responses.push(await (await call(path, { cookie: admin })).text());
    }
    // The Durable Object's own RPC answer, not only what the API makes of it.
    const stub = env.AGENT.get(env.AGENT.idFromName(agent.id));
    responses.push(
      JSON.stringify(
        await stub.change({
          agentId: agent.id,
          actor: 'admin@test.hq',
          requestId: 'direct',
          patch: {
            mcpServers: {
              github: {
                command: 'github-mcp',
                env: { GITHUB_TOKEN: '[REDACTED]', LOG_LEVEL: 'warn' },
              },
              search: {
                url: 'https://mcp.example.com/sse',
                headers: { Authorization: '[REDACTED]' },
              },
            },
          },
          action: 'agent.update',
        }),
      ),
    );
    const rollback = await call('/api/agents/vault/rollback', {
      method: 'POST',
      cookie: admin,
      json: { toRevision: 0, reason: 'check' },
    });
    responses.push(await rollback.text());

    const everything = [...(await allRows()), ...responses, ...logged];
    const leaks = everything.filter((text) => text.includes('PLANTED'));
    expect(leaks).toEqual([]);

    // The live config still holds the real values, sealed with ENCRYPTION_KEY.
    const row = await env.DB.prepare('SELECT mcp_servers_sealed FROM agents WHERE slug = ?')
      .bind('vault')
      .first<{ mcp_servers_sealed: string }>();
    const live = await unseal<AgentBody['mcpServers']>(env, row?.mcp_servers_sealed ?? '');
    expect(live.github?.env?.GITHUB_TOKEN).toBe(`${SECRET}-rotated`);
    expect(live.search?.headers?.Authorization).toBe(HEADER_SECRET);
  });

  it('hides secrets written into args and a url query from every reader, revision and the audit log', async () => {
    const servers = {
      cli: {
        command: 'mcp-cli',
        args: ['--header', 'Authorization: Bearer PLANTED-ARG-1', '--api-key=PLANTED-ARG-2'],
      },
      remote: { url: 'https://mcp.example.com/sse?token=PLANTED-URL-3&team=core' },
    };
    const { admin } = await createAgent('inline', { mcpServers: servers });
    const viewer = await signInAs('viewer@test.hq');
    // An edit that sends back what it was shown keeps the secrets; one rotates a token.
    const shown = (await (await call('/api/agents/inline', { cookie: admin })).json()) as {
      mcpServers: McpServersConfig;
    };
    const edited = await patch('inline', admin, {
      mcpServers: {
        ...shown.mcpServers,
        cli: {
          command: 'mcp-cli',
          args: ['--header', 'Authorization: Bearer PLANTED-ARG-4', '--api-key=[REDACTED]'],
        },
      },
    });
    expect(edited.status).toBe(200);
    const responses = [await edited.text()];
    for (const path of [
      '/api/agents/inline',
      '/api/agents/inline/revisions',
      '/api/agents/inline/revisions/0',
      '/api/agents/inline/revisions/1',
      '/api/audit',
    ])
      for (const cookie of [admin, viewer])
        responses.push(await (await call(path, { cookie })).text());
    const leaks = [...(await allRows()), ...responses, ...logged].filter((t) =>
      t.includes('PLANTED'),
    );
    expect(leaks).toEqual([]);
    expect(responses[1]).toContain('https://mcp.example.com/sse?token=[REDACTED]&team=core');
    const row = await env.DB.prepare('SELECT mcp_servers_sealed FROM agents WHERE slug = ?')
      .bind('inline')
      .first<{ mcp_servers_sealed: string }>();
    const live = await unseal<McpServersConfig>(env, row?.mcp_servers_sealed ?? '');
    expect(live.cli?.args).toEqual([
      '--header',
      'Authorization: Bearer PLANTED-ARG-4',
      '--api-key=PLANTED-ARG-2',
    ]);
    expect(live.remote?.url).toBe(servers.remote.url);
  });

  it('refuses a [REDACTED] inside an argument that matches no stored one, naming it', async () => {
    const { admin } = await createAgent('dangling');
    const response = await patch('dangling', admin, {
      mcpServers: { fresh: { command: 'x', args: ['--token', 'y', '--key=[REDACTED]'] } },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('mcpServers.fresh.args.2');
  });

  it('keeps a stored secret when an edit sends back [REDACTED]', async () => {
    const { admin } = await createAgent('keeper', {
      mcpServers: { github: { command: 'github-mcp', env: { GITHUB_TOKEN: SECRET } } },
    });
    const response = await patch('keeper', admin, {
      mcpServers: { github: { command: 'github-mcp-v2', env: { GITHUB_TOKEN: '[REDACTED]' } } },
    });
    expect(response.status).toBe(200);
    const row = await env.DB.prepare('SELECT mcp_servers_sealed FROM agents WHERE slug = ?')
      .bind('keeper')
      .first<{ mcp_servers_sealed: string }>();
    const live = await unseal<AgentBody['mcpServers']>(env, row?.mcp_servers_sealed ?? '');
    expect(live).toEqual({ github: { command: 'github-mcp-v2', env: { GITHUB_TOKEN: SECRET } } });
  });

  it('refuses a [REDACTED] placeholder with no stored value behind it', async () => {
    const { admin } = await createAgent('empty');
    const response = await patch('empty', admin, {
      mcpServers: { fresh: { command: 'x', env: { API_KEY: '[REDACTED]' } } },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('mcpServers.fresh.env.API_KEY');
  });

  it('answers 503 naming ENCRYPTION_KEY when secrets cannot be sealed', async () => {
    const { admin } = await createAgent('nokey');
    const response = await call('/api/agents/nokey', {
      method: 'PATCH',
      cookie: admin,
      json: { mcpServers: { a: { command: 'x', env: { T: 'v' } } } },
      env: { ENCRYPTION_KEY: undefined },
    });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('ENCRYPTION_KEY');
  });
});
