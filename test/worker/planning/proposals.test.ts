import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { expirePlanningLeases } from '../../../worker/planning/ending';
import { fireRoutine } from '../../../worker/routines/fire';
import { headCommit, runnerCall } from '../runners/support';
import {
  claimPlanning,
  freshRepository,
  jobRow,
  leadAgent,
  planningReport,
  planningRoutine,
  servingRunner,
  snapshot,
} from './support';

const proposal = (repository: string, title: string, tasks: string[]) => ({
  title,
  brief: `Why: ${title}.`,
  repository,
  tasks: tasks.map((t) => ({ title: t, spec: `Do ${t}.`, expectedScope: ['src/**'] })),
});

/** A fire of the routine through the engine, as its cron would fire it now. */
async function fireNow(routine: Awaited<ReturnType<typeof planningRoutine>>) {
  const { fire } = await fireRoutine(env, routine, {
    trigger: 'cron',
    key: `cron:${new Date().toISOString()}`,
    scheduledFor: Date.now(),
    actor: 'cron',
    requestId: 'test',
  });
  return fire;
}

/** A planning routine fired by the engine as its cron would, and its job leased. */
async function leasedRun() {
  await env.DB.prepare(
    "UPDATE planning_jobs SET status = 'CANCELLED' WHERE status IN ('QUEUED', 'RUNNING')",
  ).run();
  const repository = freshRepository();
  const agent = await leadAgent(`pp-${crypto.randomUUID().slice(0, 6)}`);
  const token = await servingRunner(repository);
  await snapshot(repository, headCommit(3));
  const routine = await planningRoutine(agent.id, repository);
  const fire = await fireNow(routine);
  expect(fire).toMatchObject({ status: 'planning', reason: null });
  const claim = await claimPlanning(token);
  expect(claim?.job.id).toBe(fire.planningJobId);
  return { repository, agent, token, routine, jobId: fire.planningJobId ?? '' };
}

const post = (token: string, body: Record<string, unknown>) =>
  runnerCall(token, '/api/runner/missions', { json: body });

describe('a planning run’s proposals', { timeout: 20_000 }, () => {
  it('are proposed as the agent; one repeating an open mission is merged into it; the run counts both', async () => {
    const { repository, agent, token, jobId, routine } = await leasedRun();
    const first = await post(token, {
      ...proposal(repository, 'Add rate limits to search', ['Limit the search API']),
      agent: agent.slug,
      planningJobId: jobId,
    });
    expect(first.status, await first.clone().text()).toBe(201);
    const proposed = (await first.json()) as { id: string; outcome: string; proposedBy: string };
    expect(proposed).toMatchObject({ outcome: 'proposed', proposedBy: `agent:${agent.slug}` });
    const again = await post(token, {
      ...proposal(repository, 'Add rate limits to the search', ['Document the limits']),
      agent: agent.slug,
      planningJobId: jobId,
    });
    expect(again.status, await again.clone().text()).toBe(200);
    const merged = (await again.json()) as { id: string; outcome: string; plan: unknown[] };
    expect(merged).toMatchObject({ id: proposed.id, outcome: 'merged' });
    expect(merged.plan).toHaveLength(2);
    const done = await planningReport(token, jobId);
    expect(await done.json()).toEqual({ status: 'DONE', proposed: 1, merged: 1 });
    expect(await jobRow(jobId)).toMatchObject({ proposed: 1, merged: 1 });
    // Its own proposals are no news: the next fire sleeps until something else changes.
    const next = await fireNow(routine);
    expect(next).toMatchObject({ status: 'skipped', planningJobId: null });
    expect(next.reason).toContain('nothing changed since the last planning run');
  });

  it('are refused, naming the field, for another repository or agent, or a run not held', async () => {
    const { repository, agent, token, jobId } = await leasedRun();
    const elsewhere = await post(token, {
      ...proposal('acme/app', 'Elsewhere', ['x']),
      agent: agent.slug,
      planningJobId: jobId,
    });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain(
      `repository: planning job ${jobId} plans ${repository} only`,
    );
    await leadAgent('pp-other');
    const otherAgent = await post(token, {
      ...proposal(repository, 'Someone else', ['x']),
      agent: 'pp-other',
      planningJobId: jobId,
    });
    expect(otherAgent.status).toBe(400);
    expect(await otherAgent.text()).toContain(`runs agent ${agent.slug}, not pp-other`);
    const otherRunner = await servingRunner(repository);
    const notHeld = await post(otherRunner, {
      ...proposal(repository, 'Not mine', ['x']),
      agent: agent.slug,
      planningJobId: jobId,
    });
    expect(notHeld.status).toBe(409);
    expect(await jobRow(jobId)).toMatchObject({ proposed: 0, merged: 0 });
  });
});

/** The routine.fired events of a routine, oldest first. */
const routineEvents = (routineId: string) =>
  env.DB.prepare(
    "SELECT payload FROM domain_events WHERE type = 'routine.fired' AND entity_id = ? ORDER BY id",
  )
    .bind(routineId)
    .all<{ payload: string }>()
    .then((r) => r.results.map((e) => JSON.parse(e.payload) as Record<string, unknown>));

describe('a planning run that fails', { timeout: 20_000 }, () => {
  it('is announced as its routine failing, naming the fire and why', async () => {
    const { token, jobId, routine } = await leasedRun();
    const reported = await planningReport(token, jobId, {
      outcome: 'failure',
      error: 'the agent wrote no proposals (proposals.json missing)',
    });
    expect(reported.status).toBe(200);
    const events = await routineEvents(routine.id);
    expect(events.map((e) => e.status)).toEqual(['planning', 'failed']);
    expect(events[1]).toMatchObject({
      fireId: events[0]?.fireId,
      reason: 'its planning run failed: the agent wrote no proposals (proposals.json missing)',
    });
  });

  it('is announced when its last lease runs out', async () => {
    const { jobId, routine } = await leasedRun();
    await env.DB.prepare('UPDATE planning_jobs SET lease_until = 1, attempts = 3 WHERE id = ?')
      .bind(jobId)
      .run();
    await expirePlanningLeases(env);
    const events = await routineEvents(routine.id);
    expect(events.at(-1)).toMatchObject({ status: 'failed' });
    expect(String(events.at(-1)?.reason)).toContain('no runner finished the planning run');
  });
});
