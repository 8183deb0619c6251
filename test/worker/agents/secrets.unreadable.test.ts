import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from '../support/client';
import {
  type AgentWithSecrets,
  createSealedUnder,
  historyText,
  newKey,
  readAgent,
  reseal,
  sealedOf,
} from './secrets.support';
import { patch } from './support';

const LOST = 'Bearer LOST-HEADER-SECRET-5e1d';
const lostServers = {
  search: { url: 'https://mcp.example.com/sse', headers: { Authorization: LOST } },
};

interface Health {
  ok: boolean;
  checks: { secrets: { status: string; message: string } };
}

const health = async (cookie?: string) =>
  (await (await call('/api/health', cookie ? { cookie } : {})).json()) as Health;

describe('a secret that no key opens', () => {
  it('leaves the roster and the agent page answering, with the agent marked', async () => {
    // Sealed under a key this deployment never had: no ENCRYPTION_KEY(_PREVIOUS) opens it.
    await createSealedUnder(newKey(), 'lost-keys', lostServers);
    const fine = await createSealedUnder(env.ENCRYPTION_KEY, 'fine-keys', {
      github: { command: 'github-mcp', env: { GITHUB_TOKEN: 'ghp_fine' } },
    });
    expect(fine.mcpServers.github?.env).toEqual({ GITHUB_TOKEN: '[REDACTED]' });

    const roster = await call('/api/agents', { cookie: await signInAs('viewer@test.hq') });
    expect(roster.status).toBe(200);
    const { agents } = (await roster.json()) as { agents: AgentWithSecrets[] };
    const lost = agents.find((a) => a.slug === 'lost-keys');
    expect(lost).toMatchObject({
      unreadableSecrets: ['mcpServers.search.headers.Authorization'],
      // What is not secret is still shown, as the latest revision recorded it.
      mcpServers: {
        search: { url: 'https://mcp.example.com/sse', headers: { Authorization: '[UNREADABLE]' } },
      },
    });
    expect(agents.find((a) => a.slug === 'fine-keys')?.unreadableSecrets).toEqual([]);
    expect((await readAgent('lost-keys')).unreadableSecrets).toHaveLength(1);
  });

  it('is named by GET /api/health: counted for anyone, named for the signed-in', async () => {
    const anonymous = await health();
    expect(anonymous.ok).toBe(true);
    expect(anonymous.checks.secrets.status).toBe('degraded');
    expect(anonymous.checks.secrets.message).toContain('1 sealed value no key opens');
    expect(anonymous.checks.secrets.message).toContain('ENCRYPTION_KEY_PREVIOUS');
    expect(anonymous.checks.secrets.message).not.toContain('lost-keys');

    const signedIn = await health(await signInAs('viewer@test.hq'));
    expect(signedIn.checks.secrets.message).toContain('agent lost-keys: MCP server search');
    expect(signedIn.checks.secrets.message).toContain('reseal');
  });

  it('is reported and left alone by the reseal', async () => {
    const before = await sealedOf('lost-keys');
    const report = await reseal();
    expect(report).toMatchObject({
      unreadable: 1,
      unreadableAgents: [{ slug: 'lost-keys', servers: ['search'] }],
    });
    expect(await sealedOf('lost-keys')).toBe(before);
  });

  it('survives edits of other fields, refuses to keep it, and takes a new value', async () => {
    const admin = await signInAs('admin@test.hq');
    const before = await sealedOf('lost-keys');
    const renamed = await patch('lost-keys', await signInAs('operator@test.hq'), {
      name: 'Lost keys',
    });
    expect(renamed.status, await renamed.clone().text()).toBe(200);
    const { agent } = (await renamed.json()) as { agent: AgentWithSecrets };
    expect(agent.unreadableSecrets).toEqual(['mcpServers.search.headers.Authorization']);
    // The old ciphertext stays: an old key that turns up later still opens it.
    expect(await sealedOf('lost-keys')).toBe(before);

    // Sending back what was read (or [REDACTED], "keep it") cannot keep what nobody can open.
    for (const placeholder of ['[UNREADABLE]', '[REDACTED]']) {
      const kept = await patch('lost-keys', admin, {
        mcpServers: { search: { ...lostServers.search, headers: { Authorization: placeholder } } },
      });
      expect(kept.status).toBe(400);
      const error = await errorOf(kept);
      expect(error.fields?.[0]?.field).toBe('mcpServers.search.headers.Authorization');
      expect(error.message).toContain('no key opens');
    }

    const replaced = await patch('lost-keys', admin, {
      mcpServers: { search: { ...lostServers.search, headers: { Authorization: 'Bearer new' } } },
    });
    expect(replaced.status, await replaced.clone().text()).toBe(200);
    const read = await readAgent('lost-keys');
    expect(read.unreadableSecrets).toEqual([]);
    expect(read.mcpServers.search?.headers).toEqual({ Authorization: '[REDACTED]' });
    expect((await health()).checks.secrets).toEqual({
      status: 'ok',
      message: 'Every sealed value opens with ENCRYPTION_KEY.',
    });
    expect(await historyText()).not.toContain('Bearer new');
    expect(await historyText()).not.toContain(LOST);
  });
});
