import { describe, expect, it } from 'vitest';
import { call } from '../support/client';
import { createAgent, patch } from './support';

describe('agents: rollback', () => {
  it('restores every tracked field but mcpServers as a new revision, and says what it could not restore', async () => {
    const { admin } = await createAgent('phoenix', {
      tools: ['read'],
      mcpServers: { fs: { command: 'fs-mcp', env: { ROOT: '/a' } } },
    });
    await patch('phoenix', admin, {
      name: 'Phoenix II',
      model: 'gpt-5',
      tools: ['read', 'write'],
      workerEnabled: false,
    });
    await patch('phoenix', admin, {
      mcpServers: { fs: { command: 'fs-mcp', env: { ROOT: '/b' } } },
    });
    const response = await call('/api/agents/phoenix/rollback', {
      method: 'POST',
      cookie: admin,
      json: { toRevision: 0, reason: 'bad upgrade' },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      revision: number;
      restored: Record<string, unknown>;
      unrestored: { field: string; reason: string }[];
      agent: {
        name: string;
        model: string;
        tools: string[];
        workerEnabled: boolean;
        revision: number;
      };
    };
    expect(body.revision).toBe(3);
    expect(body.restored).toMatchObject({
      name: 'Agent phoenix',
      model: 'gpt-4.1',
      tools: ['read'],
      workerEnabled: true,
    });
    expect(Object.keys(body.restored)).not.toContain('mcpServers');
    expect(body.unrestored).toEqual([
      { field: 'mcpServers', reason: expect.stringContaining('REDACTED') },
    ]);
    expect(body.agent).toMatchObject({
      name: 'Agent phoenix',
      model: 'gpt-4.1',
      tools: ['read'],
      workerEnabled: true,
      revision: 3,
    });
    const revision = (await (
      await call('/api/agents/phoenix/revisions/3', { cookie: admin })
    ).json()) as {
      reason: string;
      after: { mcpServers: Record<string, unknown> };
    };
    expect(revision.reason).toBe('Rollback to revision 0: bad upgrade');
    // mcpServers kept its current (revision 2) shape.
    expect(revision.after.mcpServers).toEqual({
      fs: { command: 'fs-mcp', env: { ROOT: '[REDACTED]' } },
    });
  });

  it('answers 404 for a revision that does not exist and 400 without a reason', async () => {
    const { admin } = await createAgent('lonely');
    const missing = await call('/api/agents/lonely/rollback', {
      method: 'POST',
      cookie: admin,
      json: { toRevision: 9, reason: 'x' },
    });
    expect(missing.status).toBe(404);
    const noReason = await call('/api/agents/lonely/rollback', {
      method: 'POST',
      cookie: admin,
      json: { toRevision: 0 },
    });
    expect(noReason.status).toBe(400);
  });
});
