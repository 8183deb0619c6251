import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { call, signInAs } from '../support/client';
import { approve, plan, propose } from './support';

/** What one past task cost: its ledger rows' money (null: a row of unknown cost). */
export type PastCost = (number | null)[];

/**
 * Finished tasks of an agent with their ledger rows: a real mission proposed and approved
 * through the API, its tasks then finished by hand (a runner's whole run per sample would
 * add nothing the estimate reads) and their spend written as runs write it.
 */
export async function pastTasks(
  slug: string,
  costs: PastCost[],
  status: 'DONE' | 'FAILED' | 'CANCELLED' = 'DONE',
) {
  const tasks = costs.map((_, i) => ({
    title: `${slug} past ${i}`,
    spec: 'Done before.',
    expectedScope: ['**'],
    agentHint: slug,
  }));
  const { mission, operator } = await propose(plan({ title: `${slug} history`, tasks }));
  expect((await approve(mission.id, operator)).status).toBe(200);
  const now = Date.now();
  const { results } = await env.DB.prepare('SELECT id, title FROM tasks WHERE mission_id = ?')
    .bind(mission.id)
    .all<{ id: string; title: string }>();
  for (const task of results) {
    const i = Number(task.title.split(' ').at(-1));
    await env.DB.prepare(
      'UPDATE tasks SET status = ?, agent_id = (SELECT id FROM agents WHERE slug = ?), finished_at = ? WHERE id = ?',
    )
      .bind(status, slug, now, task.id)
      .run();
    for (const usd of costs[i] ?? [])
      await env.DB.prepare(
        `INSERT INTO spend_ledger (agent_id, provider, model, purpose, task_id, input_tokens, output_tokens, cost_usd, cost_source, created_at)
         SELECT id, 'openai', 'm', 'task', ?, 1000, 100, ?, ?, ? FROM agents WHERE slug = ?`,
      )
        .bind(task.id, usd, usd === null ? null : 'reported', now, slug)
        .run();
  }
}

export interface EstimateBody {
  tasks: {
    title: string;
    basis: string;
    who: string | null;
    samples: number;
    medianUsd: number | null;
    lowUsd: number | null;
    highUsd: number | null;
    range: string | null;
  }[];
  total: { medianUsd: number; lowUsd: number; highUsd: number } | null;
  pastTasks: number;
  noHistory: string[];
  budgetUsd: number | null;
  agents: { slug: string; remainingMonthlyUsd: number | null }[];
  warnings: string[];
}

export async function estimateOf(missionId: string, as = 'viewer@test.hq') {
  const response = await call(`/api/missions/${missionId}/estimate`, {
    cookie: await signInAs(as),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as EstimateBody;
}

/** A task of a plan hinted to an agent or a role. */
export const hinted = (title: string, hint: { agentHint?: string; roleHint?: string }) => ({
  title,
  spec: 'Do it.',
  expectedScope: [`src/${title.toLowerCase().replace(/\W+/g, '-')}/**`],
  ...hint,
});
