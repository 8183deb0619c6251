import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAgent } from '../agents/support';
import { cancelOpenTasks, claimNow, declare, registerRunner, taskFor } from './support';

const SECRET = 'ghp_PLANTED-MCP-SECRET-93b1c0';
const HEADER = 'Bearer PLANTED-MCP-HEADER-5e7a';

const taskRow = (id: string) =>
  env.DB.prepare('SELECT status, failure_reason FROM tasks WHERE id = ?')
    .bind(id)
    .first<{ status: string; failure_reason: string | null }>();

beforeEach(cancelOpenTasks);

describe('a claim hands the runner the agent as the run needs it', () => {
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

  it('a claim hands the runner the agent’s identity, tools, executor and unsealed MCP servers, and the mission brief; the secrets are written nowhere', async () => {
    await createAgent('mcp-worker', {
      identity: 'You are Mira.\nYou write tests first.',
      tools: ['Read', 'Bash(npm test:*)'],
      executor: { preset: 'claude-code', maxTurns: 9 },
      mcpServers: {
        github: { command: 'github-mcp', args: ['--stdio'], env: { GITHUB_TOKEN: SECRET } },
        docs: { url: 'https://mcp.example.com/mcp', headers: { Authorization: HEADER } },
      },
    });
    const { token } = await registerRunner('mcp-runner');
    expect((await declare(token, [{ preset: 'claude-code', version: '2.1.3' }])).status).toBe(200);
    const id = await taskFor('mcp-worker', 'Add the limiter');
    const claimed = await claimNow(token);
    expect(claimed?.task.id).toBe(id);
    expect(claimed?.mission).toMatchObject({
      title: 'Add the limiter',
      brief: 'The brief of Add the limiter.',
    });
    expect(claimed?.agent).toEqual({
      slug: 'mcp-worker',
      name: 'Agent mcp-worker',
      identity: 'You are Mira.\nYou write tests first.',
      model: 'gpt-4.1',
      provider: 'openai',
      tools: ['Read', 'Bash(npm test:*)'],
      executor: { preset: 'claude-code', maxTurns: 9 },
      mcpServers: {
        github: { command: 'github-mcp', args: ['--stdio'], env: { GITHUB_TOKEN: SECRET } },
        docs: { url: 'https://mcp.example.com/mcp', headers: { Authorization: HEADER } },
      },
    });
    // Only the live config holds them, sealed: no audit entry, revision, event or task row.
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    ).all<{ name: string }>();
    for (const { name } of tables.results) {
      const rows = JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results);
      expect(rows, name).not.toContain('PLANTED-MCP');
    }
    expect(logged.join('\n')).not.toContain('PLANTED-MCP');
  });

  it('an agent whose MCP secrets no longer open fails that task with the reason; the next task is claimed', async () => {
    const { agent } = await createAgent('locked-out', {
      mcpServers: { github: { command: 'github-mcp', env: { GITHUB_TOKEN: SECRET } } },
    });
    await createAgent('still-fine');
    // Sealed under a key HQ no longer has: the format is right, the ciphertext will not open.
    await env.DB.prepare('UPDATE agents SET mcp_servers_sealed = ? WHERE id = ?')
      .bind('v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', agent.id)
      .run();
    const locked = await taskFor('locked-out');
    const fine = await taskFor('still-fine');
    const { token } = await registerRunner('key-runner');
    const claimed = await claimNow(token);
    expect(claimed?.task.id).toBe(fine);
    expect(await taskRow(locked)).toMatchObject({
      status: 'FAILED',
      failure_reason: expect.stringMatching(
        /^The MCP servers of agent locked-out cannot be decrypted \(.+\); an admin must enter them again\.$/,
      ),
    });
  });
});
