import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, signInAs } from './support/client';

describe('GET /api/spend', () => {
  it('aggregates by day, agent, model and purpose within the range, counting unknown costs apart', async () => {
    await env.DB.prepare(
      "INSERT INTO agents (id, slug, name, type, role, model, provider, created_at, updated_at) VALUES ('sp-a', 'spender', 'S', 'WORKER', 'r', 'm', 'openai', 0, 0)",
    ).run();
    const day1 = Date.UTC(2026, 10, 1, 10);
    const day2 = Date.UTC(2026, 10, 2, 23);
    const rows = [
      ['sp-a', 'openai', 'gpt-4.1', 'task', 100, 10, 1.5, 'reported', day1],
      // Tokens only, priced with the price table when reported: an estimate, counted as one.
      ['sp-a', 'openai', 'gpt-4.1', 'task', 50, 5, 0.5, 'price_table', day2],
      [null, 'anthropic', 'claude', 'voice', 20, 2, 0.25, 'builtin', day2],
      // A CLI that reports tokens and no money, with no price: its cost is unknown, not $0.
      ['sp-a', 'openai', 'codex-mini', 'task', 300, 30, null, null, day2],
      ['sp-a', 'openai', 'gpt-4.1', 'task', 999, 999, 99, 'reported', Date.UTC(2026, 9, 1)],
    ] as const;
    for (const r of rows) {
      await env.DB.prepare(
        'INSERT INTO spend_ledger (agent_id, provider, model, purpose, input_tokens, output_tokens, cost_usd, cost_source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
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
    // Unknown costs are counted with their tokens; estimates are counted too.
    const sums = (
      costUsd: number,
      inputTokens: number,
      outputTokens: number,
      unknown: [count: number, tokens: number] = [0, 0],
      estimatedCost = 0,
    ) => ({
      costUsd,
      inputTokens,
      outputTokens,
      unknownCost: unknown[0],
      unknownCostTokens: unknown[1],
      estimatedCost,
    });
    expect(body.total).toEqual(sums(2.25, 470, 47, [1, 330], 1));
    expect(body.byDay).toEqual([
      { day: '2026-11-01', ...sums(1.5, 100, 10) },
      { day: '2026-11-02', ...sums(0.75, 370, 37, [1, 330], 1) },
    ]);
    expect(body.byAgent).toEqual([
      { agentId: 'sp-a', slug: 'spender', ...sums(2, 450, 45, [1, 330], 1) },
      { agentId: null, slug: null, ...sums(0.25, 20, 2) },
    ]);
    expect(body.byModel).toEqual([
      { provider: 'openai', model: 'gpt-4.1', ...sums(2, 150, 15, [0, 0], 1) },
      { provider: 'anthropic', model: 'claude', ...sums(0.25, 20, 2) },
      { provider: 'openai', model: 'codex-mini', ...sums(0, 300, 30, [1, 330]) },
    ]);
    expect(body.byPurpose).toEqual([
      { purpose: 'task', ...sums(2, 450, 45, [1, 330], 1) },
      { purpose: 'voice', ...sums(0.25, 20, 2) },
    ]);
    expect((await call('/api/spend?from=yesterday', { cookie: viewer })).status).toBe(400);
    expect((await call('/api/spend')).status).toBe(401);
  });
});
