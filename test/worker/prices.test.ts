import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from './support/client';

const price = (extra: Record<string, unknown> = {}) => ({
  provider: 'openai',
  model: 'gpt-5-codex',
  inputPerMillionUsd: 1.25,
  outputPerMillionUsd: 10,
  ...extra,
});

const put = (cookie: string, json: unknown) => call('/api/prices', { method: 'PUT', cookie, json });

const audit = async (action: string) =>
  (
    await env.DB.prepare(
      'SELECT actor, entity_id AS entityId, summary FROM audit_log WHERE action = ? ORDER BY id',
    )
      .bind(action)
      .all<{ actor: string; entityId: string; summary: string }>()
  ).results.map((row) => ({ ...row, summary: JSON.parse(row.summary) }));

describe('the price table', () => {
  it('is read by viewers, set and removed by admins only, each change audited', async () => {
    const [viewer, operator, admin] = await Promise.all([
      signInAs('viewer@test.hq'),
      signInAs('operator@test.hq'),
      signInAs('admin@test.hq'),
    ]);
    expect((await put(operator, price())).status).toBe(403);
    expect((await put(viewer, price())).status).toBe(403);

    const set = await put(admin, price());
    expect(set.status, await set.clone().text()).toBe(200);
    expect(await set.json()).toMatchObject({ ...price(), updatedBy: 'admin@test.hq' });
    // Setting it again replaces it: one row per provider and model.
    expect((await put(admin, price({ inputPerMillionUsd: 1.5 }))).status).toBe(200);
    await put(admin, price({ provider: 'anthropic', model: 'claude-sonnet-4-5' }));

    const listed = (await (await call('/api/prices', { cookie: viewer })).json()) as {
      prices: { provider: string; model: string; inputPerMillionUsd: number }[];
    };
    expect(listed.prices.map((p) => [p.provider, p.model, p.inputPerMillionUsd])).toEqual([
      ['anthropic', 'claude-sonnet-4-5', 1.25],
      ['openai', 'gpt-5-codex', 1.5],
    ]);

    const query = '/api/prices?provider=anthropic&model=claude-sonnet-4-5';
    expect((await call(query, { method: 'DELETE', cookie: operator })).status).toBe(403);
    const removed = await call(query, { method: 'DELETE', cookie: admin });
    expect(removed.status).toBe(200);
    expect((await call(query, { method: 'DELETE', cookie: admin })).status).toBe(404);
    expect(
      ((await (await call('/api/prices', { cookie: viewer })).json()) as { prices: unknown[] })
        .prices,
    ).toHaveLength(1);
    expect((await call('/api/prices')).status).toBe(401);

    expect((await audit('price.set')).map((a) => [a.entityId, a.summary])).toEqual([
      ['openai/gpt-5-codex', { from: null, to: { input: 1.25, output: 10 } }],
      ['openai/gpt-5-codex', { from: { input: 1.25, output: 10 }, to: { input: 1.5, output: 10 } }],
      ['anthropic/claude-sonnet-4-5', { from: null, to: { input: 1.25, output: 10 } }],
    ]);
    expect(await audit('price.delete')).toEqual([
      {
        actor: 'admin@test.hq',
        entityId: 'anthropic/claude-sonnet-4-5',
        summary: { from: { input: 1.25, output: 10 }, to: null },
      },
    ]);
  });

  it.each([
    ['provider', price({ provider: 'acme' })],
    ['model', price({ model: '   ' })],
    ['inputPerMillionUsd', price({ inputPerMillionUsd: -1 })],
    ['outputPerMillionUsd', price({ outputPerMillionUsd: 20_000 })],
    ['outputPerMillionUsd', { provider: 'openai', model: 'm', inputPerMillionUsd: 1 }],
    ['extra', price({ extra: true })],
  ])('refuses a bad %s with a field error', async (field, body) => {
    const admin = await signInAs('admin@test.hq');
    const response = await put(admin, body);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('validation_failed');
    expect(JSON.stringify(error.fields)).toContain(field);
  });
});
