import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { OPEN_MISSION_LIMIT } from '../../../worker/planning/fire';
import { propose } from '../missions/support';
import { headCommit } from '../runners/support';
import { call, signInAs } from '../support/client';
import {
  fire,
  freshRepository,
  jobRow,
  jobsOf,
  leadAgent,
  planningRoutine,
  servingRunner,
  snapshot,
} from './support';

const slug = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}`;

/** A routine whose every gate is open: agent, live runner, reported repository. */
async function ready(agentExtra: Record<string, unknown> = {}) {
  const repository = freshRepository();
  const agent = await leadAgent(slug('lead'), agentExtra);
  await servingRunner(repository);
  await snapshot(repository, headCommit(1));
  return { repository, agent, routine: await planningRoutine(agent.id, repository) };
}

const setAgent = (id: string, sql: string, ...values: unknown[]) =>
  env.DB.prepare(`UPDATE agents SET ${sql} WHERE id = ?`)
    .bind(...values, id)
    .run();

describe('planningFire: no empty wakes', { timeout: 20_000 }, () => {
  it('queues a job with the fingerprint when every gate is open; the next fire waits for it', async () => {
    const { routine, repository, agent } = await ready();
    const first = await fire(routine);
    if (!('planningJobId' in first)) throw new Error(`skipped: ${first.skipped}`);
    expect(first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(await jobRow(first.planningJobId)).toMatchObject({
      status: 'QUEUED',
      routine_id: routine.id,
      agent_id: agent.id,
      repository,
      target_branch: 'main',
      fingerprint: first.fingerprint,
    });
    const second = await fire(routine);
    expect(second).toEqual({
      skipped: `planning job ${first.planningJobId} of this routine is still QUEUED`,
    });
    expect(await jobsOf(routine.id)).toHaveLength(1);
  });

  it('skips, saying why, when no runner has reported the repository', async () => {
    const repository = freshRepository();
    const agent = await leadAgent(slug('nosnap'));
    await servingRunner(repository);
    const routine = await planningRoutine(agent.id, repository);
    expect(await fire(routine)).toEqual({
      skipped: `no runner has reported repository ${repository} yet`,
    });
    expect(await jobsOf(routine.id)).toEqual([]);
  });

  it('skips when no live runner serves the repository, or none can run the agent’s preset', async () => {
    const repository = freshRepository();
    const agent = await leadAgent(slug('norun'));
    await snapshot(repository, headCommit(1));
    const routine = await planningRoutine(agent.id, repository);
    const why = `no live runner serves ${repository} and can run agent ${agent.slug}'s executor`;
    expect(await fire(routine)).toEqual({ skipped: why });
    // A runner serving it that went silent long ago is not live.
    await servingRunner(repository);
    await env.DB.prepare(
      "UPDATE runners SET last_seen_at = 1 WHERE repositories LIKE '%' || ? || '%'",
    )
      .bind(repository)
      .run();
    expect(await fire(routine)).toEqual({ skipped: why });
    // A live one that declared no `command` cannot run an agent whose executor is `command`.
    await servingRunner(repository);
    await setAgent(agent.id, 'executor = ?', JSON.stringify({ preset: 'command', command: 'x' }));
    expect(await fire(routine)).toEqual({ skipped: why });
    await servingRunner(repository, ['command']);
    expect(await fire(routine)).toHaveProperty('planningJobId');
  });

  it('skips an agent that is archived, paused, cooling down, out of budget or off duty', async () => {
    const { routine, agent } = await ready();
    const expectSkip = async (reason: string) =>
      expect(await fire(routine)).toEqual({ skipped: `agent ${agent.slug} ${reason}` });
    await setAgent(agent.id, 'worker_enabled = 0');
    await expectSkip('is paused (worker disabled)');
    await setAgent(agent.id, 'worker_enabled = 1, cooldown_until = ?', Date.now() + 60_000);
    await expectSkip('is cooling down after failures');
    await setAgent(agent.id, 'cooldown_until = NULL, monthly_budget_usd = 1');
    await env.DB.prepare(
      "INSERT INTO spend_ledger (agent_id, provider, model, purpose, input_tokens, output_tokens, cost_usd, cost_source, created_at) VALUES (?, 'openai', 'gpt-4.1', 'planning', 1, 1, 2, 'reported', ?)",
    )
      .bind(agent.id, Date.now())
      .run();
    await expectSkip('has spent its monthly budget');
    // A schedule with no minute ever on duty: Feb 30th.
    await setAgent(agent.id, "monthly_budget_usd = NULL, schedule = '0 9 30 2 *'");
    await expectSkip('is off duty by its schedule');
    await setAgent(agent.id, 'schedule = NULL, archived_at = ?', Date.now());
    await expectSkip('is archived');
    expect(await jobsOf(routine.id)).toEqual([]);
  });

  it('skips while work is paused (the worker switch is off)', async () => {
    const { routine } = await ready();
    const admin = await signInAs('admin@test.hq');
    const workerSwitch = (on: boolean) =>
      call('/api/settings', { method: 'PATCH', cookie: admin, json: { workerSwitch: on } });
    expect((await workerSwitch(false)).status).toBe(200);
    try {
      expect(await fire(routine)).toEqual({ skipped: 'work is paused (the worker switch is off)' });
    } finally {
      await workerSwitch(true);
    }
    expect(await fire(routine)).toHaveProperty('planningJobId');
  });

  it('a CEO agent (worker disabled by design) still plans', async () => {
    const { routine } = await ready({ role: 'CEO', workerEnabled: false });
    expect(await fire(routine)).toHaveProperty('planningJobId');
  });

  it(`skips a repository with ${OPEN_MISSION_LIMIT} open missions`, async () => {
    const { routine, repository } = await ready();
    for (let i = 0; i < OPEN_MISSION_LIMIT; i++)
      await propose({
        title: `Open ${i}`,
        brief: 'b',
        repository,
        tasks: [{ title: 't', spec: 's', expectedScope: ['src/**'] }],
      });
    expect(await fire(routine)).toEqual({
      skipped: `repository ${repository} already has ${OPEN_MISSION_LIMIT} open missions (limit ${OPEN_MISSION_LIMIT})`,
    });
  });

  it('skips when nothing changed since the last DONE run; a new head or mission wakes it again', async () => {
    const { routine, repository } = await ready();
    const first = await fire(routine);
    if (!('planningJobId' in first)) throw new Error(first.skipped);
    await env.DB.prepare("UPDATE planning_jobs SET status = 'DONE', finished_at = ? WHERE id = ?")
      .bind(Date.now(), first.planningJobId)
      .run();
    expect(await fire(routine)).toEqual({
      skipped: `nothing changed since the last planning run (head ${headCommit(1).slice(0, 10)}, same open missions)`,
    });
    expect(await jobsOf(routine.id)).toHaveLength(1);
    await snapshot(repository, headCommit(2));
    const second = await fire(routine);
    if (!('planningJobId' in second)) throw new Error(second.skipped);
    expect(second.fingerprint).not.toBe(first.fingerprint);
    await env.DB.prepare("UPDATE planning_jobs SET status = 'DONE', finished_at = ? WHERE id = ?")
      .bind(Date.now() + 1, second.planningJobId)
      .run();
    await propose({
      title: 'Someone else’s idea',
      brief: 'b',
      repository,
      tasks: [{ title: 't', spec: 's', expectedScope: ['src/**'] }],
    });
    expect(await fire(routine)).toHaveProperty('planningJobId');
  });
});
