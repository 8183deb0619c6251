import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, startSignedIn } from '../support/signed-in';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * An agent whose MCP servers were sealed under a key this HQ never had (its key id matches
 * nothing), with revision 0 recording their shape, as after an ENCRYPTION_KEY change.
 */
function seedLostAgent(state: string) {
  const now = Date.now();
  const after = JSON.stringify({
    name: 'Lost',
    mcpServers: {
      search: { url: 'https://mcp.example.com/sse', headers: { Authorization: '[REDACTED]' } },
    },
  });
  const file = join(state, 'lost-agent.sql');
  writeFileSync(
    file,
    `INSERT INTO agents (id, slug, name, type, role, model, provider, mcp_servers_sealed, created_at, updated_at)
     VALUES ('lost-id', 'lost', 'Lost', 'WORKER', 'Researcher', 'gpt-4.1', 'openai', 'v2.000000000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAA', ${now}, ${now});
     INSERT INTO agent_revisions (agent_id, number, actor, reason, before, after, diff, created_at)
     VALUES ('lost-id', 0, 'admin@hq.local', 'created', NULL, '${after}', '[]', ${now});`,
  );
  execFileSync(
    join(root, 'node_modules', '.bin', 'wrangler'),
    ['d1', 'execute', 'DB', '--local', '--persist-to', state, '--file', file, '--yes'],
    { cwd: root, env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' } },
  );
}

let session: SignedIn;
let page: SignedIn['page'];

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local', undefined, {}, { prepare: seedLostAgent });
  ({ page } = session);
});

afterAll(async () => {
  await session?.close();
});

describe('a secret no key opens, in a real browser', () => {
  it('marks the agent on the roster and says what to do on its page', async () => {
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    const card = page.getByTestId('agent-lost');
    await card.waitFor();
    expect(await card.innerText()).toContain('MCP secrets unreadable');
    await card.click();
    const alert = page.getByTestId('unreadable-secrets');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('mcpServers.search.headers.Authorization');
    expect(await page.locator('textarea[name=mcpServers]').inputValue()).toContain('[UNREADABLE]');
  });

  it('names it in Settings → Secrets and reports it from the reseal', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const panel = page.getByTestId('secrets-panel');
    await expect.poll(() => panel.innerText()).toContain('agent lost: MCP server search');
    await panel.getByRole('button', { name: 'Re-seal all secrets' }).click();
    await expect
      .poll(() => panel.getByRole('status').innerText())
      .toContain('unreadable 1 (lost: search)');
  });

  it('takes a new value over it', async () => {
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    await page.getByTestId('agent-lost').click();
    const servers = page.locator('textarea[name=mcpServers]');
    await servers.waitFor();
    await servers.fill((await servers.inputValue()).replace('[UNREADABLE]', 'Bearer fresh'));
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Saved as revision 1.');
    await expect.poll(() => page.getByTestId('unreadable-secrets').count()).toBe(0);
  });
});
