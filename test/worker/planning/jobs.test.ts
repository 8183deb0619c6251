import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { PLANNING_TIMEOUT_SECONDS } from '../../../worker/planning/claim';
import {
  expirePlanningLeases,
  PLANNING_MAX_ATTEMPTS,
  PLANNING_QUEUE_LIMIT_MS,
} from '../../../worker/planning/ending';
import { propose } from '../missions/support';
import { headCommit, runnerCall } from '../runners/support';
import { call, signInAs } from '../support/client';
import {
  claimPlanning,
  fire,
  freshRepository,
  jobRow,
  leadAgent,
  planningReport,
  planningRoutine,
  servingRunner,
  snapshot,
} from './support';

/** A queued planning job on its own repository, and a live runner serving it. */
async function queued() {
  // Jobs of earlier tests would otherwise be claimed first.
  await env.DB.prepare(
    "UPDATE planning_jobs SET status = 'CANCELLED' WHERE status IN ('QUEUED', 'RUNNING')",
  ).run();
  const repository = freshRepository();
  const agent = await leadAgent(`pl-${crypto.randomUUID().slice(0, 6)}`);
  const token = await servingRunner(repository);
  await snapshot(repository, headCommit(7));
  const routine = await planningRoutine(agent.id, repository);
  const fired = await fire(routine);
  if (!('planningJobId' in fired)) throw new Error(fired.skipped);
  return { repository, agent, token, routine, jobId: fired.planningJobId };
}

describe('planning jobs on the runner API', { timeout: 20_000 }, () => {
  it('the claim leases the job with its agent, snapshot and open missions; the report ends it with its spend', async () => {
    const { repository, agent, token, jobId, routine } = await queued();
    const { mission } = await propose({
      title: 'Already open',
      brief: 'b',
      repository,
      tasks: [{ title: 'First step', spec: 's', expectedScope: ['src/**'] }],
    });
    const claim = await claimPlanning(token);
    expect(claim?.job).toMatchObject({
      id: jobId,
      routineId: routine.id,
      repository,
      targetBranch: 'main',
    });
    expect(claim?.agent.slug).toBe(agent.slug);
    expect(claim?.snapshot).toMatchObject({ headCommit: headCommit(7), fileCount: 2 });
    expect(claim?.openMissions).toEqual([
      expect.objectContaining({ id: mission.id, title: 'Already open', tasks: ['First step'] }),
    ]);
    expect(claim?.timeoutSeconds).toBe(PLANNING_TIMEOUT_SECONDS);
    expect(await jobRow(jobId)).toMatchObject({ status: 'RUNNING', attempts: 1 });
    // Leased once: a second claim finds nothing.
    expect(await claimPlanning(token)).toBeNull();

    const reported = await planningReport(token, jobId);
    expect(reported.status, await reported.clone().text()).toBe(200);
    expect(await reported.json()).toEqual({ status: 'DONE', proposed: 0, merged: 0 });
    const ledger = await env.DB.prepare(
      "SELECT * FROM spend_ledger WHERE agent_id = ? AND purpose = 'planning'",
    )
      .bind(agent.id)
      .all<Record<string, unknown>>();
    expect(ledger.results).toEqual([
      expect.objectContaining({ input_tokens: 1000, output_tokens: 200, cost_usd: 0.05 }),
    ]);
    // Reported once: a second report is refused, the ledger keeps one row.
    expect((await planningReport(token, jobId)).status).toBe(409);

    const viewer = await signInAs('viewer@test.hq');
    const shown = await call(`/api/planning-jobs/${jobId}`, { cookie: viewer });
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({
      id: jobId,
      status: 'DONE',
      agent: { slug: agent.slug },
      costUsd: 0.05,
      error: null,
    });
    expect((await call('/api/planning-jobs/nope', { cookie: viewer })).status).toBe(404);
  });

  it('a failure report says why; a runner that does not hold the job is refused', async () => {
    const { token, jobId, repository } = await queued();
    expect((await planningReport(token, jobId)).status).toBe(409);
    await claimPlanning(token);
    const other = await servingRunner(repository);
    expect((await planningReport(other, jobId)).status).toBe(409);
    const bad = await planningReport(token, jobId, { outcome: 'maybe' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('outcome');
    const failed = await planningReport(token, jobId, {
      outcome: 'failure',
      error: 'the agent wrote no proposals (proposals.json missing)',
    });
    expect(await failed.json()).toMatchObject({ status: 'FAILED' });
    expect(await jobRow(jobId)).toMatchObject({
      status: 'FAILED',
      error: 'the agent wrote no proposals (proposals.json missing)',
    });
  });

  it('a runner that stops gives the job back; it is leased again, the attempt not counted', async () => {
    const { token, jobId } = await queued();
    await claimPlanning(token);
    const released = await runnerCall(token, `/api/runner/planning/${jobId}/release`, {
      json: { reason: 'runner stopped' },
    });
    expect(released.status).toBe(200);
    expect(await jobRow(jobId)).toMatchObject({ status: 'QUEUED', attempts: 0 });
    expect((await claimPlanning(token))?.job.id).toBe(jobId);
  });

  it('a lease that runs out queues the job again, and fails it after the last attempt', async () => {
    const { token, jobId } = await queued();
    for (let attempt = 1; attempt <= PLANNING_MAX_ATTEMPTS; attempt++) {
      expect((await claimPlanning(token))?.job.id).toBe(jobId);
      await env.DB.prepare('UPDATE planning_jobs SET lease_until = ? WHERE id = ?')
        .bind(Date.now() - 1, jobId)
        .run();
      await expirePlanningLeases(env);
      if (attempt < PLANNING_MAX_ATTEMPTS)
        expect(await jobRow(jobId)).toMatchObject({
          status: 'QUEUED',
          runner_id: null,
          error: `lease ran out on attempt ${attempt}: queued again`,
        });
    }
    expect(await jobRow(jobId)).toMatchObject({
      status: 'FAILED',
      error: `no runner finished the planning run in ${PLANNING_MAX_ATTEMPTS} attempts (each lease ran out)`,
    });
  });

  it('a job no runner takes in time fails and says why', async () => {
    const { jobId } = await queued();
    await expirePlanningLeases(env, Date.now() + PLANNING_QUEUE_LIMIT_MS + 1000);
    const row = await jobRow(jobId);
    expect(row?.status).toBe('FAILED');
    expect(String(row?.error)).toContain('no runner took the planning run in 30 minutes');
  });

  it('a queued job whose agent was archived is cancelled at the next claim', async () => {
    const { token, jobId, agent } = await queued();
    await env.DB.prepare('UPDATE agents SET archived_at = ? WHERE id = ?')
      .bind(Date.now(), agent.id)
      .run();
    expect(await claimPlanning(token)).toBeNull();
    expect(await jobRow(jobId)).toMatchObject({ status: 'CANCELLED' });
  });
});
