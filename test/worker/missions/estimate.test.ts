import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { proposalPlanText } from '../../../worker/missions/proposal-text';
import { call, signInAs } from '../support/client';
import { countingDb } from './counting-db';
import { estimateOf, hinted, pastTasks } from './estimate.support';
import { hire, plan, propose } from './support';

// Past tasks, as the ledger knows them (all rows of a task, reviews included):
// es-ada (role EstCoders): 1, 2, 3, 4+1 (a review) = 5, 10, and FAILED 4 → six samples;
//   left out: one with a row of unknown cost, one CANCELLED (not finished).
// es-bob (EstCoders): none. es-cy (EstSolo, $20 a month): 2, 6, 4 → three samples, $12 spent.
// es-dee (EstLonely): none, nor has its role.
beforeAll(async () => {
  await hire(
    { slug: 'es-ada', role: 'EstCoders' },
    { slug: 'es-bob', role: 'EstCoders' },
    { slug: 'es-cy', role: 'EstSolo', monthlyBudgetUsd: 20 },
    { slug: 'es-dee', role: 'EstLonely' },
  );
  await pastTasks('es-ada', [[1], [2], [3], [4, 1], [10], [7, null]]);
  await pastTasks('es-ada', [[4]], 'FAILED');
  await pastTasks('es-ada', [[100]], 'CANCELLED');
  await pastTasks('es-cy', [[2], [6], [4]]);
});

const mission = async (tasks: unknown[], extra: Record<string, unknown> = {}) =>
  (await propose(plan({ tasks, ...extra }))).mission.id;

describe('GET /api/missions/{id}/estimate', () => {
  it('prices a task from its agent’s finished tasks: median, 10th and 90th percentiles', async () => {
    const id = await mission([hinted('Ada work', { agentHint: 'es-ada' })]);
    const estimate = await estimateOf(id);
    // Sorted 1 2 3 4 5 10: median 3.5; p10 at 0.5 → 1.5; p90 at 4.5 → 7.5.
    expect(estimate.tasks).toEqual([
      {
        title: 'Ada work',
        basis: 'agent',
        who: 'es-ada',
        samples: 6,
        medianUsd: 3.5,
        lowUsd: 1.5,
        highUsd: 7.5,
        range: 'p10-p90',
      },
    ]);
    expect(estimate).toMatchObject({
      total: { medianUsd: 3.5, lowUsd: 1.5, highUsd: 7.5 },
      pastTasks: 6,
      noHistory: [],
      budgetUsd: null,
      agents: [{ slug: 'es-ada', remainingMonthlyUsd: null }],
      warnings: [],
    });
  });

  it('falls back to the role’s agents, and takes min and max under five samples', async () => {
    const id = await mission([
      hinted('Bob work', { agentHint: 'es-bob' }),
      hinted('Coders work', { roleHint: 'estcoders' }),
      hinted('Solo work', { roleHint: 'EstSolo' }),
    ]);
    const { tasks, total, pastTasks: past } = await estimateOf(id);
    const fromRole = { basis: 'role', who: 'EstCoders', samples: 6, medianUsd: 3.5 };
    expect(tasks[0]).toMatchObject(fromRole);
    // A role hint names the role as its hint spelled it: the agents' role matches either way.
    expect(tasks[1]).toMatchObject({ ...fromRole, who: 'estcoders' });
    // One agent has the role: the task would go to it, and its own history prices it.
    expect(tasks[2]).toEqual({
      title: 'Solo work',
      basis: 'agent',
      who: 'es-cy',
      samples: 3,
      medianUsd: 4,
      lowUsd: 2,
      highUsd: 6,
      range: 'min-max',
    });
    expect(total).toEqual({ medianUsd: 11, lowUsd: 5, highUsd: 21 });
    expect(past).toBe(9);
  });

  it('says which tasks have no history, and total is null when none has', async () => {
    const lonely = await mission([hinted('Lonely work', { agentHint: 'es-dee' })]);
    expect(await estimateOf(lonely)).toMatchObject({
      tasks: [
        {
          basis: 'none',
          who: null,
          samples: 0,
          medianUsd: null,
          lowUsd: null,
          highUsd: null,
          range: null,
        },
      ],
      total: null,
      pastTasks: 0,
      noHistory: ['Lonely work'],
    });
    // A hint naming nobody on the roster: dispatch never runs it, so nobody's history applies.
    const ghost = await mission([hinted('Ghost work', { agentHint: 'es-ghost' })]);
    expect((await estimateOf(ghost)).tasks[0]).toMatchObject({ basis: 'none', samples: 0 });
    const mixed = await mission([
      hinted('Lonely again', { agentHint: 'es-dee' }),
      hinted('Ada again', { agentHint: 'es-ada' }),
    ]);
    const estimate = await estimateOf(mixed);
    expect(estimate.total).toEqual({ medianUsd: 3.5, lowUsd: 1.5, highUsd: 7.5 });
    expect(estimate.noHistory).toEqual(['Lonely again']);
  });

  it('warns before approval when the median exceeds the mission’s budget or an agent’s money left', async () => {
    const within = await mission([hinted('Ada one', { agentHint: 'es-ada' })], { budgetUsd: 4 });
    expect((await estimateOf(within)).warnings).toEqual([]);
    const id = await mission(
      [
        hinted('Ada one', { agentHint: 'es-ada' }),
        hinted('Cy one', { agentHint: 'es-cy' }),
        hinted('Cy two', { agentHint: 'es-cy' }),
      ],
      { budgetUsd: 10 },
    );
    const estimate = await estimateOf(id);
    // es-cy: $20 a month, $12 spent this month (its past tasks) → $8 left; its two tasks: $8.
    expect(estimate.agents).toEqual([
      { slug: 'es-ada', remainingMonthlyUsd: null },
      { slug: 'es-cy', remainingMonthlyUsd: 8 },
    ]);
    expect(estimate.warnings).toEqual(["the estimate $11.50 exceeds the mission's budget $10.00"]);
    const three = await mission(
      ['Cy one', 'Cy two', 'Cy three'].map((t) => hinted(t, { agentHint: 'es-cy' })),
    );
    expect((await estimateOf(three)).warnings).toEqual([
      'the estimate $12.00 for its tasks exceeds what agent es-cy has left this month ($8.00)',
    ]);
  });

  it('reads the mission and the roster in one round trip, the samples and every likely agent’s spend in a second', async () => {
    const id = await mission([
      hinted('Ada one', { agentHint: 'es-ada' }),
      hinted('Cy one', { agentHint: 'es-cy' }),
      hinted('Anyone', {}),
    ]);
    const expected = await estimateOf(id);
    expect(expected.agents).toEqual([
      { slug: 'es-ada', remainingMonthlyUsd: null },
      { slug: 'es-cy', remainingMonthlyUsd: 8 },
    ]);
    const counting = countingDb();
    const viewer = await signInAs('viewer@test.hq');
    const counted = await call(`/api/missions/${id}/estimate`, {
      cookie: viewer,
      env: { DB: counting.db },
    });
    expect(await counted.json()).toEqual(expected);
    // The sign-in check, then the estimate's two.
    expect(counting.trips()).toBe(3);
    // The text a proposal's Telegram message shows: the same two round trips.
    const text = countingDb();
    const shown = await proposalPlanText({ ...env, DB: text.db }, id);
    expect(shown).toContain('1. Ada one');
    expect(shown).toContain('Estimate ~');
    expect(text.trips()).toBe(2);
    expect(await proposalPlanText({ ...env, DB: text.db }, 'no-such-mission')).toBeNull();
  });

  it('is for signed-in users, and names an unknown mission', async () => {
    const id = await mission([hinted('Anyone', { agentHint: 'es-ada' })]);
    expect((await call(`/api/missions/${id}/estimate`)).status).toBe(401);
    const missing = await call('/api/missions/no-such-mission/estimate', {
      cookie: await signInAs('viewer@test.hq'),
    });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('no-such-mission');
  });
});
