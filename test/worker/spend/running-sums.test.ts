import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { agentSpent, missionSpent } from '../../../worker/budgets/spent';
import { approve, hire, plan, propose } from '../missions/support';

const DAY = 24 * 60 * 60 * 1000;
const NOV_30 = Date.UTC(2026, 10, 30, 23, 59, 59, 999);
const DEC_1 = Date.UTC(2026, 11, 1);

async function ledger(
  agentId: string | null,
  taskId: string | null,
  costUsd: number | null,
  tokens: [number | null, number | null],
  at: number,
) {
  await env.DB.prepare(
    `INSERT INTO spend_ledger (agent_id, provider, model, purpose, task_id, input_tokens, output_tokens, cost_usd, cost_source, created_at)
     VALUES (?, 'openai', 'm', 'task', ?, ?, ?, ?, ?, ?)`,
  )
    .bind(agentId, taskId, tokens[0], tokens[1], costUsd, costUsd === null ? null : 'reported', at)
    .run();
}

/** The ledger summed the slow way, as the sums must say. */
async function summed(where: string, ...values: unknown[]) {
  return env.DB.prepare(
    `SELECT coalesce(sum(cost_usd), 0) AS usd,
       coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0) AS tokens,
       count(*) - count(cost_usd) AS unknownCost FROM spend_ledger WHERE ${where}`,
  )
    .bind(...values)
    .first<{ usd: number; tokens: number; unknownCost: number }>();
}

describe("the ledger's running sums (migration 0023)", () => {
  it('follow every insert, by agent and UTC month and by mission, as the ledger sums them', async () => {
    await hire({ slug: 'sums-agent' });
    const agent = await env.DB.prepare("SELECT id FROM agents WHERE slug = 'sums-agent'").first<{
      id: string;
    }>();
    const { mission, operator } = await propose(plan({ repository: 'acme/sums' }));
    await approve(mission.id, operator);
    const { results: tasks } = await env.DB.prepare('SELECT id FROM tasks WHERE mission_id = ?')
      .bind(mission.id)
      .all<{ id: string }>();
    const [first, second] = tasks.map((t) => t.id);
    const agentId = agent?.id ?? '';

    await ledger(agentId, first ?? null, 0.25, [1000, 200], NOV_30);
    await ledger(agentId, first ?? null, 0.5, [300, null], DEC_1);
    await ledger(agentId, second ?? null, null, [50, 50], DEC_1 + DAY);
    await ledger(null, null, 0.1, [10, 10], DEC_1 + DAY); // the CEO's own call: no agent, no task
    await ledger(agentId, null, 1.0, [0, 0], DEC_1 + 2 * DAY); // a planning run: no task

    const december = await agentSpent(env.DB, agentId, DEC_1 + 3 * DAY);
    expect(december).toEqual(await summed('agent_id = ? AND created_at >= ?', agentId, DEC_1));
    expect(december).toEqual({ usd: 1.5, tokens: 400, unknownCost: 1 });
    // November's row stays November's.
    expect((await agentSpent(env.DB, agentId, NOV_30)).usd).toBe(0.25);
    const byMission = await summed(
      'task_id IN (SELECT id FROM tasks WHERE mission_id = ?)',
      mission.id,
    );
    expect(await missionSpent(env.DB, mission.id)).toEqual(byMission);
    expect(byMission).toEqual({ usd: 0.75, tokens: 1600, unknownCost: 1 });
  });
});
