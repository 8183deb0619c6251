import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agents/support';
import { call, signInAs } from '../support/client';
import { cancelOpenTasks, claimNow, registerRunner, runnerCall, success, taskFor } from './support';

beforeEach(cancelOpenTasks);

interface TaskView {
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  costKnown: boolean;
  unknownCostRuns: number;
  estimatedCostRuns: number;
}

const ledger = (taskId: string) =>
  env.DB.prepare('SELECT cost_usd, cost_source FROM spend_ledger WHERE task_id = ?')
    .bind(taskId)
    .first();

describe('a report with tokens and no money', () => {
  it('is priced with the price table when it has the model, frozen at that price; else its cost stays unknown', async () => {
    const { admin } = await createAgent('pricey', { provider: 'openai', model: 'gpt-5-codex' });
    const { token } = await registerRunner('pricing-runner');
    const setPrice = (inputPerMillionUsd: number, outputPerMillionUsd: number) =>
      call('/api/prices', {
        method: 'PUT',
        cookie: admin,
        json: { provider: 'openai', model: 'gpt-5-codex', inputPerMillionUsd, outputPerMillionUsd },
      });
    expect((await setPrice(1.25, 10)).status).toBe(200);
    const run = async (title: string, report: Record<string, unknown>) => {
      await taskFor('pricey', title);
      const claim = await claimNow(token);
      const id = claim?.task.id ?? '';
      const response = await runnerCall(token, `/api/runner/tasks/${id}/report`, {
        json: success(['src/a.ts'], report),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      const task = (await (await call(`/api/tasks/${id}`, { cookie: admin })).json()) as TaskView;
      return { id, task };
    };
    const spend = async () =>
      (
        (await (await call('/api/spend', { cookie: admin })).json()) as {
          byAgent: { slug: string; costUsd: number; unknownCost: number; estimatedCost: number }[];
        }
      ).byAgent.find((a) => a.slug === 'pricey');

    // A million tokens in at $1.25 and 100k out at $10 a million: $2.25, an estimate.
    const estimated = await run('tokens only, priced', {
      provider: 'openai',
      model: 'gpt-5-codex',
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      costUsd: null,
    });
    expect(await ledger(estimated.id)).toEqual({ cost_usd: 2.25, cost_source: 'price_table' });
    expect(estimated.task).toMatchObject({
      costUsd: 2.25,
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      costKnown: true,
      unknownCostRuns: 0,
      estimatedCostRuns: 1,
    });

    // The CLI's own money wins over the table.
    const reported = await run('money reported', {
      provider: 'openai',
      model: 'gpt-5-codex',
      costUsd: 0.5,
    });
    expect(await ledger(reported.id)).toEqual({ cost_usd: 0.5, cost_source: 'reported' });
    expect(reported.task).toMatchObject({ costKnown: true, estimatedCostRuns: 0 });

    // A model the table does not have: unknown, never $0.
    const unknown = await run('tokens only, no price', {
      provider: 'openai',
      model: 'o9-preview',
      inputTokens: 5000,
      outputTokens: 700,
      costUsd: null,
    });
    expect(await ledger(unknown.id)).toEqual({ cost_usd: null, cost_source: null });
    expect(unknown.task).toMatchObject({ costUsd: 0, costKnown: false, unknownCostRuns: 1 });

    // Half the tokens known is not priced: the cost would pass for the whole.
    const half = await run('output unknown', {
      provider: 'openai',
      model: 'gpt-5-codex',
      inputTokens: 5000,
      outputTokens: null,
      costUsd: null,
    });
    expect(await ledger(half.id)).toEqual({ cost_usd: null, cost_source: null });

    expect(await spend()).toMatchObject({ costUsd: 2.75, unknownCost: 2, estimatedCost: 1 });

    // A new price prices later runs; what earlier runs cost stays as recorded.
    expect((await setPrice(2.5, 20)).status).toBe(200);
    const later = await run('priced again', {
      provider: 'openai',
      model: 'gpt-5-codex',
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      costUsd: null,
    });
    expect(later.task.costUsd).toBeCloseTo(4.5, 10);
    expect(await ledger(estimated.id)).toEqual({ cost_usd: 2.25, cost_source: 'price_table' });

    const agent = (await (await call('/api/agents/pricey', { cookie: admin })).json()) as Record<
      string,
      number
    >;
    expect(agent.spentThisMonthUsd).toBeCloseTo(7.25, 10);
    expect(agent.unknownCostThisMonth).toBe(2);
    expect(agent.tokensThisMonth).toBe(2 * 1_100_000 + (1200 + 300) + (5000 + 700) + 5000);
  });

  it('is shown to viewers as a task of unknown cost', async () => {
    await createAgent('no-price', { provider: 'openai', model: 'gpt-unpriced' });
    const { token } = await registerRunner('unpriced-runner');
    await taskFor('no-price', 'unpriced');
    const claim = await claimNow(token);
    const id = claim?.task.id ?? '';
    await runnerCall(token, `/api/runner/tasks/${id}/report`, {
      json: success(['src/a.ts'], { model: 'gpt-unpriced', costUsd: null }),
    });
    const viewer = await signInAs('viewer@test.hq');
    const list = (await (await call('/api/tasks?limit=200', { cookie: viewer })).json()) as {
      items: (TaskView & { id: string })[];
    };
    expect(list.items.find((t) => t.id === id)).toMatchObject({
      costKnown: false,
      unknownCostRuns: 1,
      costUsd: 0,
    });
  });
});
