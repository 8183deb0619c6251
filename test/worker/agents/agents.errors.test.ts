import { describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from '../support/client';
import { createAgent, newAgent, patch } from './support';

describe('agents: bad input and roles', () => {
  it('answers 404 for an unknown slug', async () => {
    const viewer = await signInAs('viewer@test.hq');
    expect((await call('/api/agents/ghost', { cookie: viewer })).status).toBe(404);
    expect((await call('/api/agents/ghost/revisions', { cookie: viewer })).status).toBe(404);
  });

  it.each([
    ['schedule', { schedule: '61 * * * *' }],
    ['schedule', { schedule: 'every day' }],
    ['provider', { provider: 'skynet' }],
    ['type', { type: 'INTERN' }],
    ['reportsTo', { reportsTo: 'nobody-here' }],
    ['slug', { slug: 'Bad Slug!' }],
  ])('names the field %s when it is invalid', async (field, extra) => {
    const admin = await signInAs('admin@test.hq');
    const response = await call('/api/agents', {
      method: 'POST',
      cookie: admin,
      json: newAgent('valid-slug', extra),
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields?.map((f) => f.field)).toContain(field);
  });

  it('names the field of an invalid PATCH and changes nothing', async () => {
    const { admin } = await createAgent('steady');
    const response = await patch('steady', admin, { schedule: '* * *', model: 'new-model' });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields?.[0]?.field).toBe('schedule');
    const agent = (await (await call('/api/agents/steady', { cookie: admin })).json()) as {
      model: string;
      revision: number;
    };
    expect(agent).toMatchObject({ model: 'gpt-4.1', revision: 0 });
  });

  it('answers 409 naming slug for a duplicate', async () => {
    const { admin } = await createAgent('twin');
    const response = await call('/api/agents', {
      method: 'POST',
      cookie: admin,
      json: newAgent('twin'),
    });
    expect(response.status).toBe(409);
    expect((await errorOf(response)).fields).toEqual([
      { field: 'slug', in: 'body', message: 'already taken' },
    ]);
  });

  it('lets viewers read but not write', async () => {
    await createAgent('readable');
    const viewer = await signInAs('viewer@test.hq');
    expect((await call('/api/agents/readable', { cookie: viewer })).status).toBe(200);
    expect((await patch('readable', viewer, { model: 'x' })).status).toBe(403);
    expect(
      (await call('/api/agents', { method: 'POST', cookie: viewer, json: newAgent('nope') }))
        .status,
    ).toBe(403);
  });

  it('lets operators edit, but not mcpServers and not rollback', async () => {
    await createAgent('shared');
    const operator = await signInAs('operator@test.hq');
    expect((await patch('shared', operator, { model: 'gpt-5' })).status).toBe(200);
    const mcp = await patch('shared', operator, { mcpServers: { a: { command: 'x' } } });
    expect(mcp.status).toBe(403);
    expect((await errorOf(mcp)).message).toContain('mcpServers');
    const withMcp = await call('/api/agents', {
      method: 'POST',
      cookie: operator,
      json: newAgent('op-made', { mcpServers: { a: { command: 'x' } } }),
    });
    expect(withMcp.status).toBe(403);
    const rollback = await call('/api/agents/shared/rollback', {
      method: 'POST',
      cookie: operator,
      json: { toRevision: 0, reason: 'x' },
    });
    expect(rollback.status).toBe(403);
  });
});
