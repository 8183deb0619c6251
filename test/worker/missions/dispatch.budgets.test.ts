import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../worker/tasks/dispatch';
import { createAgent, patch } from '../agents/support';
import { call, errorOf, signInAs } from '../support/client';
import { approve, hire, type MissionBody, plan, propose } from './support';

const statuses = async (missionId: string) =>
  (
    await env.DB.prepare('SELECT status FROM tasks WHERE mission_id = ? ORDER BY created_at')
      .bind(missionId)
      .all<{ status: string }>()
  ).results.map((r) => r.status);

/** A finished run in the ledger: `tokens` in, none out, and `usd` (null: unknown). */
const spent = (slug: string, tokens: number, usd: number | null, taskId: string | null = null) =>
  env.DB.prepare(
    "INSERT INTO spend_ledger (agent_id, provider, model, purpose, task_id, input_tokens, output_tokens, cost_usd, created_at) SELECT id, 'openai', 'm', 'task', ?, ?, 0, ?, ? FROM agents WHERE slug = ?",
  )
    .bind(taskId, tokens, usd, Date.now(), slug)
    .run();

describe('token budgets', () => {
  it('are agent fields beside the money budget: checked, audited, no revision', async () => {
    const { agent, admin } = await createAgent('tb-subscribed', { monthlyBudgetTokens: 2_000_000 });
    expect(agent).toMatchObject({ monthlyBudgetTokens: 2_000_000, monthlyBudgetUsd: null });
    for (const bad of [-1, 1.5, '100']) {
      const response = await patch('tb-subscribed', admin, { monthlyBudgetTokens: bad });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).fields?.map((f) => f.field)).toContain(
        'monthlyBudgetTokens',
      );
    }
    const changed = await patch('tb-subscribed', admin, { monthlyBudgetTokens: 500_000 });
    expect(changed.status).toBe(200);
    const body = (await changed.json()) as { revision: number | null; agent: AgentBudgets };
    expect(body.revision).toBeNull();
    expect(body.agent).toMatchObject({ monthlyBudgetTokens: 500_000, tokensThisMonth: 0 });
    const audit = await env.DB.prepare(
      "SELECT summary FROM audit_log WHERE action = 'agent.update' AND entity_id = 'tb-subscribed'",
    ).first<{ summary: string }>();
    expect(JSON.parse(audit?.summary ?? '{}')).toMatchObject({ monthlyBudgetTokens: 500_000 });
  });

  it('and mission fields beside budgetUsd, with field errors', async () => {
    const { mission } = await propose(plan({ budgetUsd: 12.5, budgetTokens: 300_000 }));
    expect(mission).toMatchObject({ budgetUsd: 12.5, budgetTokens: 300_000 });
    const operator = await signInAs('operator@test.hq');
    const bad = await call('/api/missions', {
      method: 'POST',
      cookie: operator,
      json: plan({ budgetTokens: -5 }),
    });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).fields?.map((f) => f.field)).toContain('budgetTokens');
  });
});

interface AgentBudgets {
  monthlyBudgetTokens: number | null;
  tokensThisMonth: number;
}

describe('dispatch and budgets', () => {
  it('leaves work waiting for an agent past its token budget', async () => {
    await env.DB.prepare('UPDATE agents SET worker_enabled = 0').run();
    await hire({ slug: 'tb-tokens', monthlyBudgetTokens: 10_000 });
    // 10,000 tokens and a cost nobody knows: the token budget binds all the same.
    await spent('tb-tokens', 10_000, null);
    const { mission, operator } = await propose(
      plan({
        tasks: [{ title: 'Waits', spec: 's', expectedScope: ['**'], agentHint: 'tb-tokens' }],
      }),
    );
    await approve(mission.id, operator);
    expect(await statuses(mission.id)).toEqual(['PENDING']);
    await env.DB.prepare(
      "UPDATE agents SET monthly_budget_tokens = 10001 WHERE slug = 'tb-tokens'",
    ).run();
    expect(await dispatch(env)).toBe(1);
    expect(await statuses(mission.id)).toEqual(['ASSIGNED']);
  });

  it('leaves the rest of a mission waiting once its budget, money or tokens, is spent', async () => {
    await env.DB.prepare('UPDATE agents SET worker_enabled = 0').run();
    await hire({ slug: 'tb-mission' });
    const operator = await signInAs('operator@test.hq');
    const missionWith = async (budget: Record<string, number>) => {
      const { mission } = await propose(
        plan({
          ...budget,
          tasks: [
            { title: 'First', spec: 's', expectedScope: ['**'], agentHint: 'tb-mission' },
            { title: 'Second', spec: 's', expectedScope: ['**'], agentHint: 'tb-mission' },
          ],
        }),
      );
      await env.DB.prepare("UPDATE agents SET worker_enabled = 0 WHERE slug = 'tb-mission'").run();
      const body = (await (await approve(mission.id, operator)).json()) as MissionBody;
      return { id: mission.id, first: body.tasks[0]?.id ?? '' };
    };
    const money = await missionWith({ budgetUsd: 2 });
    const tokens = await missionWith({ budgetTokens: 5_000 });
    await spent('tb-mission', 100, 2, money.first);
    await spent('tb-mission', 5_000, null, tokens.first);
    await env.DB.prepare("UPDATE tasks SET status = 'DONE' WHERE id IN (?, ?)")
      .bind(money.first, tokens.first)
      .run();
    await env.DB.prepare("UPDATE agents SET worker_enabled = 1 WHERE slug = 'tb-mission'").run();
    expect(await dispatch(env)).toBe(0);
    expect(await statuses(money.id)).toEqual(['DONE', 'PENDING']);
    expect(await statuses(tokens.id)).toEqual(['DONE', 'PENDING']);
    const viewer = await signInAs('viewer@test.hq');
    const detail = (await (
      await call(`/api/missions/${tokens.id}`, { cookie: viewer })
    ).json()) as {
      spent: { usd: number; tokens: number; unknownCost: number };
    };
    expect(detail.spent).toEqual({ usd: 0, tokens: 5_000, unknownCost: 1 });
  });
});
