import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, signInAs } from './support/client';

describe('GET /api/spend', () => {
  it('aggregates by day, agent, model and purpose within the range', async () => {
    await env.DB.prepare(
      "INSERT INTO agents (id, slug, name, type, role, model, provider, created_at, updated_at) VALUES ('sp-a', 'spender', 'S', 'WORKER', 'r', 'm', 'openai', 0, 0)",
    ).run();
    const day1 = Date.UTC(2026, 10, 1, 10);
    const day2 = Date.UTC(2026, 10, 2, 23);
    const rows = [
      ['sp-a', 'openai', 'gpt-4.1', 'task', 100, 10, 1.5, day1],
      ['sp-a', 'openai', 'gpt-4.1', 'task', 50, 5, 0.5, day2],
      [null, 'anthropic', 'claude', 'voice', 20, 2, 0.25, day2],
      ['sp-a', 'openai', 'gpt-4.1', 'task', 999, 999, 99, Date.UTC(2026, 9, 1)],
    ] as const;
    for (const r of rows) {
      await env.DB.prepare(
        'INSERT INTO spend_ledger (agent_id, provider, model, purpose, input_tokens, output_tokens, cost_usd, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
        .bind(...r)
        .run();
    }
    const viewer = await signInAs('viewer@test.hq');
    const response = await call('/api/spend?from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z', {
      cookie: viewer,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.total).toEqual({ costUsd: 2.25, inputTokens: 170, outputTokens: 17 });
    expect(body.byDay).toEqual([
      { day: '2026-11-01', costUsd: 1.5, inputTokens: 100, outputTokens: 10 },
      { day: '2026-11-02', costUsd: 0.75, inputTokens: 70, outputTokens: 7 },
    ]);
    expect(body.byAgent).toEqual([
      { agentId: 'sp-a', slug: 'spender', costUsd: 2, inputTokens: 150, outputTokens: 15 },
      { agentId: null, slug: null, costUsd: 0.25, inputTokens: 20, outputTokens: 2 },
    ]);
    expect(body.byModel).toEqual([
      { provider: 'openai', model: 'gpt-4.1', costUsd: 2, inputTokens: 150, outputTokens: 15 },
      { provider: 'anthropic', model: 'claude', costUsd: 0.25, inputTokens: 20, outputTokens: 2 },
    ]);
    expect(body.byPurpose).toEqual([
      { purpose: 'task', costUsd: 2, inputTokens: 150, outputTokens: 15 },
      { purpose: 'voice', costUsd: 0.25, inputTokens: 20, outputTokens: 2 },
    ]);
    expect((await call('/api/spend?from=yesterday', { cookie: viewer })).status).toBe(400);
    expect((await call('/api/spend')).status).toBe(401);
  });
});
