import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../worker/tasks/dispatch';
import { hire } from '../missions/support';
import { registerRunner } from '../runners/support';
import { freshCompany, gate, oneTask, setPaused, statusOf, why } from './support';

// Each gate before dispatch fails for the reason dispatch leaves the task waiting, and once
// its fix is applied, the gate passes and dispatch assigns the task: the two agree.

const sql = (query: string, ...params: unknown[]) =>
  env.DB.prepare(query)
    .bind(...params)
    .run();

/** The task is stuck at `gateId` and dispatch leaves it; after `fix` dispatch assigns it. */
async function agreesWithDispatch(taskId: string, gateId: string, fix: () => Promise<unknown>) {
  const before = await why(taskId);
  expect(before.stuck).toBe(true);
  expect(before.firstFailing?.id).toBe(gateId);
  expect(before.firstFailing?.fix).toBeTruthy();
  await dispatch(env);
  expect(await statusOf(taskId)).toBe('PENDING');
  await fix();
  if ((await statusOf(taskId)) === 'PENDING')
    expect(gate(await why(taskId), gateId).state).toBe('pass');
  await dispatch(env);
  expect(await statusOf(taskId)).toBe('ASSIGNED');
}

describe('why a waiting task is stuck, gate by gate, agreeing with dispatch', () => {
  beforeEach(freshCompany);

  it('passes every gate of a task that only waits for work to resume', async () => {
    await hire({ slug: 'wg-ready' });
    await registerRunner('wg-runner');
    await setPaused(true);
    const { taskId } = await oneTask({ agentHint: 'wg-ready' }, { budgetUsd: 10 });
    const found = await why(taskId);
    expect(found).toMatchObject({ taskId, title: 'The one task', status: 'PENDING', stuck: true });
    expect(found.gates.map((g) => [g.id, g.state])).toEqual([
      ['mission', 'pass'],
      ['paused', 'fail'],
      ['agent_hint', 'pass'],
      ['role_hint', 'skip'],
      ['agent', 'pass'],
      ['mission_budget', 'pass'],
      ['runner', 'pass'],
    ]);
    expect(gate(found, 'agent').fact).toContain('wg-ready');
    expect(gate(found, 'mission_budget').fact).toContain('$0.00 of $10.00');
    expect(gate(found, 'runner').fact).toContain('wg-runner');
    expect(found.gates.filter((g) => g.state === 'pass').every((g) => g.fix === null)).toBe(true);
    await agreesWithDispatch(taskId, 'paused', () => setPaused(false));
  });

  it('mission: only an approved mission’s tasks are assigned', async () => {
    await hire({ slug: 'wg-mission' });
    await setPaused(true);
    const { taskId, missionId } = await oneTask();
    await sql("UPDATE missions SET status = 'PROPOSED' WHERE id = ?", missionId);
    await setPaused(false);
    expect((await why(taskId)).firstFailing?.fix).toContain(`/approve ${missionId.slice(0, 8)}`);
    await agreesWithDispatch(taskId, 'mission', () =>
      sql("UPDATE missions SET status = 'APPROVED' WHERE id = ?", missionId),
    );
  });

  it('agent hint: a hint naming no agent says so, with the closest slugs', async () => {
    await hire({ slug: 'wg-builder' }, { slug: 'wg-writer' });
    const { taskId } = await oneTask({ agentHint: 'wg-bulder' });
    const failing = (await why(taskId)).firstFailing;
    expect(failing?.fact).toContain('"wg-bulder"');
    expect(failing?.fact).toContain('Closest: wg-builder, wg-writer.');
    await agreesWithDispatch(taskId, 'agent_hint', () => hire({ slug: 'wg-bulder' }));
  });

  it('role hint: a role no agent has, with the closest roles', async () => {
    await hire({ slug: 'wg-eng', role: 'Engineer' }, { slug: 'wg-design', role: 'Designer' });
    const { taskId } = await oneTask({ roleHint: 'Enginer' });
    expect((await why(taskId)).firstFailing?.fact).toContain('Closest roles: Engineer, Designer.');
    await agreesWithDispatch(taskId, 'role_hint', () =>
      hire({ slug: 'wg-enginer', role: 'Enginer' }),
    );
    // Roles match whatever their case, as dispatch matches them.
    const other = await oneTask({ roleHint: 'designer' });
    expect(await statusOf(other.taskId)).toBe('ASSIGNED');
  });

  it('a WORKER agent exists for a task without hints', async () => {
    await hire({ slug: 'wg-lead', type: 'LEAD' });
    const { taskId } = await oneTask();
    expect((await why(taskId)).firstFailing?.fact).toContain('WORKER');
    await agreesWithDispatch(taskId, 'worker_exists', () => hire({ slug: 'wg-worker' }));
  });

  it('agent: disabled, then cooling down, then over its money and token budgets', async () => {
    await hire({ slug: 'wg-agent', monthlyBudgetUsd: 5, monthlyBudgetTokens: 1000 });
    const now = Date.now();
    await sql("UPDATE agents SET worker_enabled = 0 WHERE slug = 'wg-agent'");
    const disabled = await oneTask({ agentHint: 'wg-agent' });
    expect((await why(disabled.taskId)).firstFailing?.fact).toBe('wg-agent is disabled.');
    await agreesWithDispatch(disabled.taskId, 'agent', () =>
      sql("UPDATE agents SET worker_enabled = 1 WHERE slug = 'wg-agent'"),
    );

    await sql("UPDATE agents SET cooldown_until = ? WHERE slug = 'wg-agent'", now + 3_600_000);
    const cooling = await oneTask({ agentHint: 'wg-agent' });
    expect((await why(cooling.taskId)).firstFailing?.fact).toContain('cools down');
    await agreesWithDispatch(cooling.taskId, 'agent', () =>
      sql("UPDATE agents SET cooldown_until = NULL WHERE slug = 'wg-agent'"),
    );

    await sql(
      "INSERT INTO spend_ledger (agent_id, provider, model, purpose, input_tokens, output_tokens, cost_usd, created_at) SELECT id, 'openai', 'm', 'task', 600, 600, 5, ? FROM agents WHERE slug = 'wg-agent'",
      now,
    );
    const broke = await oneTask({ agentHint: 'wg-agent' });
    const failing = (await why(broke.taskId)).firstFailing;
    expect(failing?.fact).toBe('wg-agent spent $5.00 of its $5.00 monthly budget.');
    expect(failing?.fix).toContain('/agents/wg-agent');
    await sql("UPDATE agents SET monthly_budget_usd = 50 WHERE slug = 'wg-agent'");
    // Money raised; the tokens are still spent: the same gate says so next.
    expect((await why(broke.taskId)).firstFailing?.fact).toBe(
      'wg-agent used 1200 of its 1000 monthly tokens.',
    );
    await agreesWithDispatch(broke.taskId, 'agent', () =>
      sql("UPDATE agents SET monthly_budget_tokens = NULL WHERE slug = 'wg-agent'"),
    );
  });

  it('agent off duty by its schedule waits (not stuck), and dispatch agrees', async () => {
    const offHour = (new Date().getUTCHours() + 12) % 24;
    await hire({ slug: 'wg-night' });
    await sql("UPDATE agents SET schedule = ? WHERE slug = 'wg-night'", `0 ${offHour} * * *`);
    const { taskId } = await oneTask({ agentHint: 'wg-night' });
    const found = await why(taskId);
    expect(gate(found, 'agent')).toMatchObject({ state: 'wait' });
    expect(gate(found, 'agent').fact).toContain(
      `off duty by its schedule "0 ${offHour} * * *" (UTC)`,
    );
    await dispatch(env);
    expect(await statusOf(taskId)).toBe('PENDING');
    await sql("UPDATE agents SET schedule = NULL WHERE slug = 'wg-night'");
    expect(gate(await why(taskId), 'agent').state).toBe('pass');
    await dispatch(env);
    expect(await statusOf(taskId)).toBe('ASSIGNED');
  });

  it('changes requested: it goes back to its own agent, whatever the hints', async () => {
    await hire({ slug: 'wg-prev' }, { slug: 'wg-other' });
    const { taskId } = await oneTask({ agentHint: 'wg-prev' });
    expect(await statusOf(taskId)).toBe('ASSIGNED');
    await sql("UPDATE tasks SET status = 'CHANGES_REQUESTED' WHERE id = ?", taskId);
    await sql("UPDATE agents SET worker_enabled = 0 WHERE slug = 'wg-prev'");
    const found = await why(taskId);
    expect(gate(found, 'agent_hint')).toMatchObject({ state: 'skip' });
    expect(found.gates.some((g) => g.id === 'worker_exists')).toBe(false);
    expect(found.firstFailing).toMatchObject({ id: 'agent', fact: 'wg-prev is disabled.' });
    await dispatch(env);
    expect(await statusOf(taskId)).toBe('CHANGES_REQUESTED');
    await sql("UPDATE agents SET worker_enabled = 1 WHERE slug = 'wg-prev'");
    await dispatch(env);
    expect(await statusOf(taskId)).toBe('ASSIGNED');
  });

  it('mission budget: a spent mission’s tasks wait', async () => {
    await hire({ slug: 'wg-mb' });
    await setPaused(true);
    const { taskId, missionId } = await oneTask({}, { budgetUsd: 1 });
    await sql(
      "INSERT INTO spend_ledger (agent_id, provider, model, purpose, task_id, cost_usd, created_at) VALUES (NULL, 'openai', 'm', 'task', ?, 1.5, ?)",
      taskId,
      Date.now(),
    );
    await setPaused(false);
    expect((await why(taskId)).firstFailing?.fact).toContain('spent $1.50 of its $1.00 budget');
    await agreesWithDispatch(taskId, 'mission_budget', () =>
      sql('UPDATE missions SET budget_usd = 5 WHERE id = ?', missionId),
    );
  });
});
