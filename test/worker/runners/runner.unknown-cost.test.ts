import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agents/support';
import { call } from '../support/client';
import { cancelOpenTasks, claimNow, registerRunner, runnerCall, success, taskFor } from './support';

beforeEach(cancelOpenTasks);

describe('a run of unknown cost', () => {
  it('records unknown tokens and cost as unknown, not zero, and keeps the spend totals right', async () => {
    await createAgent('spender');
    const { token } = await registerRunner('spend-runner');
    const ledger = async (taskId: string) =>
      env.DB.prepare(
        'SELECT input_tokens, output_tokens, cost_usd FROM spend_ledger WHERE task_id = ?',
      )
        .bind(taskId)
        .first();
    const admin = (await registerRunner('spend-reader')).admin;
    const before = (await (await call('/api/spend', { cookie: admin })).json()) as {
      total: { costUsd: number; inputTokens: number; unknownCost: number };
    };

    await taskFor('spender', 'tokens only');
    const first = await claimNow(token);
    const tokensOnly = await runnerCall(token, `/api/runner/tasks/${first?.task.id}/report`, {
      json: success(['src/a.ts'], { inputTokens: 5000, outputTokens: 700, costUsd: null }),
    });
    expect(tokensOnly.status).toBe(200);
    expect(await ledger(first?.task.id ?? '')).toEqual({
      input_tokens: 5000,
      output_tokens: 700,
      cost_usd: null,
    });

    await taskFor('spender', 'nothing known');
    const second = await claimNow(token);
    await runnerCall(token, `/api/runner/tasks/${second?.task.id}/report`, {
      json: success(['src/b.ts'], { inputTokens: null, outputTokens: null, costUsd: null }),
    });
    expect(await ledger(second?.task.id ?? '')).toEqual({
      input_tokens: null,
      output_tokens: null,
      cost_usd: null,
    });

    await taskFor('spender', 'priced');
    const third = await claimNow(token);
    await runnerCall(token, `/api/runner/tasks/${third?.task.id}/report`, {
      json: success(['src/c.ts'], { inputTokens: 100, outputTokens: 10, costUsd: 0.25 }),
    });
    const after = (await (await call('/api/spend', { cookie: admin })).json()) as {
      total: { costUsd: number; inputTokens: number; unknownCost: number };
      byAgent: { slug: string | null; costUsd: number; unknownCost: number }[];
    };
    expect(after.total.costUsd - before.total.costUsd).toBeCloseTo(0.25, 10);
    expect(after.total.unknownCost - before.total.unknownCost).toBe(2);
    expect(after.byAgent.find((a) => a.slug === 'spender')?.unknownCost).toBe(2);
    expect(after.total.inputTokens - before.total.inputTokens).toBe(5100);
    expect(after.byAgent.find((a) => a.slug === 'spender')?.costUsd).toBeCloseTo(0.25, 10);
    const agent = (await (await call('/api/agents/spender', { cookie: admin })).json()) as {
      spentThisMonthUsd: number;
    };
    expect(agent.spentThisMonthUsd).toBeCloseTo(0.25, 10);
  });
});
