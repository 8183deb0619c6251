import { env } from 'cloudflare:workers';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../worker/tasks/dispatch';
import { createAgent } from '../agents/support';
import { about, ceo } from '../ceo/support';
import { approve, type MissionBody, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import { cancelOpenTasks, claimNow, registerRunner, runnerCall, success } from './support';

// A run in flight against its budgets: each heartbeat carries the run's use so far and is
// answered with what is left of the agent's and the mission's budgets, money and tokens.

beforeEach(cancelOpenTasks);

interface Answer {
  status: string;
  remaining: Record<'agentUsd' | 'agentTokens' | 'missionUsd' | 'missionTokens', number | null>;
  runCostUsd: number | null;
  price: { inputPerMillionUsd: number; outputPerMillionUsd: number } | null;
  stop?: string;
  stopReason?: string;
}

const usage = (
  inputTokens: number | null,
  outputTokens: number | null,
  costUsd: number | null,
) => ({
  inputTokens,
  outputTokens,
  costUsd,
});

async function beat(token: string, taskId: string, use?: ReturnType<typeof usage>) {
  const response = await runnerCall(token, `/api/runner/tasks/${taskId}/heartbeat`, {
    json: { phase: 'running', ...(use ? { usage: use } : {}) },
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Answer;
}

/** An approved mission of `count` tasks for `agent`, with `budget`; returns the task ids. */
async function mission(agent: string, count: number, budget: Record<string, number> = {}) {
  const { mission, operator } = await propose({
    title: `Budgeted work of ${agent}`,
    brief: 'b',
    repository: 'acme/app',
    ...budget,
    tasks: Array.from({ length: count }, (_, i) => ({
      title: `${agent} part ${i + 1}`,
      spec: 's',
      expectedScope: ['src/**'],
      agentHint: agent,
    })),
  });
  const body = (await (await approve(mission.id, operator)).json()) as MissionBody;
  return body.tasks.map((t) => t.id);
}

beforeAll(async () => {
  const admin = await signInAs('admin@test.hq');
  // $1 a million in, $10 a million out.
  const price = await call('/api/prices', {
    method: 'PUT',
    cookie: admin,
    json: {
      provider: 'openai',
      model: 'gpt-5-codex',
      inputPerMillionUsd: 1,
      outputPerMillionUsd: 10,
    },
  });
  expect(price.status).toBe(200);
});

describe('a heartbeat', () => {
  it('answers what is left of the agent’s and the mission’s budgets, money and tokens, counting finished runs, other runs in flight and this one', async () => {
    await createAgent('bud-ada', {
      model: 'gpt-5-codex',
      monthlyBudgetUsd: 10,
      monthlyBudgetTokens: 100_000,
    });
    const [first, second, third] = await mission('bud-ada', 3, {
      budgetUsd: 5,
      budgetTokens: 50_000,
    });
    const { token } = await registerRunner('bud-runner-1');
    const { token: other } = await registerRunner('bud-runner-2');

    // A finished run: $1, 10,000 + 1,000 tokens.
    expect((await claimNow(token))?.task.id).toBe(first);
    await runnerCall(token, `/api/runner/tasks/${first}/report`, {
      json: success(['src/a.ts'], {
        model: 'gpt-5-codex',
        inputTokens: 10_000,
        outputTokens: 1_000,
        costUsd: 1,
      }),
    });
    // Two runs in flight: one on another runner at $0.50 and 1,000 tokens so far.
    expect((await claimNow(token))?.task.id).toBe(second);
    expect((await claimNow(other))?.task.id).toBe(third);
    await beat(other, third ?? '', usage(800, 200, 0.5));

    // This run: 20,000 in and 2,000 out, no money from the CLI: $0.02 + $0.02 by the table.
    const answer = await beat(token, second ?? '', usage(20_000, 2_000, null));
    expect(answer.runCostUsd).toBeCloseTo(0.04, 10);
    expect(answer.price).toEqual({ inputPerMillionUsd: 1, outputPerMillionUsd: 10 });
    expect(answer.stop).toBeUndefined();
    expect(answer.remaining.agentUsd).toBeCloseTo(10 - 1 - 0.5 - 0.04, 10);
    expect(answer.remaining.agentTokens).toBe(100_000 - 11_000 - 1_000 - 22_000);
    expect(answer.remaining.missionUsd).toBeCloseTo(5 - 1 - 0.5 - 0.04, 10);
    expect(answer.remaining.missionTokens).toBe(50_000 - 11_000 - 1_000 - 22_000);

    // The task shows the run's use so far.
    const admin = await signInAs('admin@test.hq');
    const task = (await (await call(`/api/tasks/${second}`, { cookie: admin })).json()) as {
      currentRun: { inputTokens: number; outputTokens: number; costUsd: number };
    };
    expect(task.currentRun).toEqual({ inputTokens: 20_000, outputTokens: 2_000, costUsd: 0.04 });

    // A heartbeat without usage (an older runner) still gets the figures; no budget: null.
    const plain = await beat(token, second ?? '');
    expect(plain.remaining.agentTokens).toBe(100_000 - 11_000 - 1_000);
    await createAgent('bud-free');
    const [free] = await mission('bud-free', 1);
    expect((await claimNow(other))?.task.id).toBe(free);
    expect((await beat(other, free ?? '', usage(5, 5, 0.01))).remaining).toEqual({
      agentUsd: null,
      agentTokens: null,
      missionUsd: null,
      missionTokens: null,
    });
  });

  it('past a budget answers stop, every time, so a runner that ignores the figures is still told', async () => {
    await createAgent('bud-tight', { monthlyBudgetTokens: 5_000 });
    const [task] = await mission('bud-tight', 1, { budgetUsd: 0.1 });
    const { token } = await registerRunner('bud-runner-3');
    expect((await claimNow(token))?.task.id).toBe(task);

    // Exactly at the budget is not past it.
    const at = await beat(token, task ?? '', usage(4_000, 1_000, 0.05));
    expect(at.remaining.agentTokens).toBe(0);
    expect(at.stop).toBeUndefined();

    const past = await beat(token, task ?? '', usage(4_500, 1_000, 0.05));
    expect(past.stop).toBe('budget');
    expect(past.stopReason).toBe(
      "budget: bud-tight's monthly budget of 5,000 tokens is spent (5,500 tokens this month with this run)",
    );
    const again = await beat(token, task ?? '', usage(6_000, 1_200, 0.2));
    expect(again.stop).toBe('budget');
    expect(again.stopReason).toContain('budget of $0.10 is spent ($0.20 with this run)');
  });
});

describe('a run stopped for its budget', () => {
  it('fails with the reason budget, its use recorded in spend, and the CEO hears it at once', async () => {
    const { agent } = await createAgent('bud-stopped', { monthlyBudgetUsd: 0.05 });
    const [task] = await mission('bud-stopped', 1);
    const { token } = await registerRunner('bud-runner-4');
    expect((await claimNow(token))?.task.id).toBe(task);
    const reason = 'budget: the run passed the $0.0500 left when HQ last answered ($0.0612 so far)';
    const report = await runnerCall(token, `/api/runner/tasks/${task}/report`, {
      json: success([], {
        outcome: 'failure',
        commits: [],
        reason: 'budget',
        error: reason,
        inputTokens: 3_000,
        outputTokens: 900,
        costUsd: 0.0612,
      }),
    });
    expect(report.status, await report.clone().text()).toBe(200);
    expect(await report.json()).toMatchObject({ status: 'FAILED' });

    const admin = await signInAs('admin@test.hq');
    const view = (await (await call(`/api/tasks/${task}`, { cookie: admin })).json()) as {
      status: string;
      failureReason: string;
      costUsd: number;
      events: { to: string; reason: string | null }[];
    };
    expect(view).toMatchObject({ status: 'FAILED', failureReason: reason, costUsd: 0.0612 });
    expect(view.events.at(-1)).toMatchObject({ to: 'FAILED', reason });
    expect(
      await env.DB.prepare(
        'SELECT input_tokens, output_tokens, cost_usd FROM spend_ledger WHERE task_id = ?',
      )
        .bind(task)
        .first(),
    ).toEqual({ input_tokens: 3_000, output_tokens: 900, cost_usd: 0.0612 });
    // The budget stop is not held against the agent's work: no step toward a cooldown.
    expect(
      await env.DB.prepare('SELECT consecutive_failures FROM agents WHERE id = ?')
        .bind(agent.id)
        .first(),
    ).toEqual({ consecutive_failures: 0 });

    await ceo().poke();
    const told = await about(task ?? '');
    expect(told.map((n) => [n.eventType, n.tier])).toContainEqual([
      'task.budget_stopped',
      'IMMEDIATE',
    ]);
    const stopped = told.find((n) => n.eventType === 'task.budget_stopped');
    expect(stopped?.status).toBe('sent');
    expect(stopped?.text).toContain('its budget is spent (the run passed the $0.0500 left');
    // Told once, as a budget stop: not also as a plain failure.
    expect(told.filter((n) => n.eventType === 'task.failed')).toEqual([]);

    // A reason without the word is made to say it.
    const [next] = await mission('bud-stopped', 1);
    await env.DB.prepare('UPDATE agents SET monthly_budget_usd = NULL WHERE id = ?')
      .bind(agent.id)
      .run();
    await dispatch(env);
    expect((await claimNow(token))?.task.id).toBe(next);
    await runnerCall(token, `/api/runner/tasks/${next}/report`, {
      json: success([], { outcome: 'failure', commits: [], reason: 'budget', error: 'stopped' }),
    });
    const failed = await env.DB.prepare('SELECT failure_reason FROM tasks WHERE id = ?')
      .bind(next)
      .first<{ failure_reason: string }>();
    expect(failed?.failure_reason).toBe('budget: stopped');
  });
});
