import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Why } from '../../../worker/tasks/why/types';
import { createAgent } from '../agents/support';
import { claimNow, declare, leased, registerRunner, runnerCall, success } from '../runners/support';
import { call, errorOf, signInAs } from '../support/client';
import { freshCompany, gate, oneTask, statusOf, why } from './support';

// The gates after dispatch: a runner that can claim (and the claim agrees), a running task's
// heartbeats, a review waiting on people, an approved task waiting on its merge.

const sql = (query: string, ...params: unknown[]) =>
  env.DB.prepare(query)
    .bind(...params)
    .run();
const LONG_AGO = () => Date.now() - 60 * 60_000;

describe('why a task after dispatch waits', () => {
  beforeEach(freshCompany);

  it('runner: one serving the repository, online, able to run the agent’s executor; the claim agrees', async () => {
    await createAgent('wr-codex', { executor: { preset: 'codex' } });
    const { taskId } = await oneTask({ agentHint: 'wr-codex' });
    expect(await statusOf(taskId)).toBe('ASSIGNED');
    let found = await why(taskId);
    expect(found.gates.map((g) => g.id)).toEqual(['runner']);
    expect(found.firstFailing).toMatchObject({
      id: 'runner',
      state: 'fail',
      fact: 'No runner serves the repository acme/app.',
    });
    expect(found.firstFailing?.fix).toContain('--repo acme/app=PATH');

    const { token, id: runnerId } = await registerRunner('wr-plain');
    found = await why(taskId);
    expect(found.firstFailing?.fact).toContain("can run codex, wr-codex's executor");
    expect(await claimNow(token)).toBeNull();

    await sql('UPDATE runners SET last_seen_at = ? WHERE id = ?', LONG_AGO(), runnerId);
    found = await why(taskId);
    expect(found.firstFailing?.fact).toMatch(
      /^Runners serving acme\/app: wr-plain \(last seen 1h 0m ago\); none is online\.$/,
    );
    expect(found.firstFailing?.fix).toContain('Start runner wr-plain again');

    // The fix: the runner comes back with the codex CLI.
    expect((await declare(token, [{ preset: 'codex', version: '1' }])).status).toBe(200);
    found = await why(taskId);
    expect(found).toMatchObject({ stuck: false, firstFailing: null });
    expect(gate(found, 'runner')).toMatchObject({ state: 'pass', fix: null });
    expect((await claimNow(token))?.task.id).toBe(taskId);
  });

  it('runner: a continuation names the runner that holds its unpushed head', async () => {
    await createAgent('wr-again');
    const { taskId } = await oneTask({ agentHint: 'wr-again' });
    const { id: runnerId } = await registerRunner('wr-holder');
    await sql(
      "UPDATE tasks SET head_commit = 'abc', head_pushed = 0, runner_id = ? WHERE id = ?",
      runnerId,
      taskId,
    );
    expect(gate(await why(taskId), 'runner')).toMatchObject({
      state: 'pass',
      fact: 'It continues an earlier round whose unpushed head only runner wr-holder holds; wr-holder is online.',
    });
  });

  it('heartbeat, review, then merge: each with who and since when', async () => {
    await createAgent('wr-flow');
    const { taskId } = await oneTask({ agentHint: 'wr-flow' });
    const { token, id: runnerId } = await registerRunner('wr-flow-runner');
    expect((await claimNow(token))?.task.id).toBe(taskId);

    let found = await why(taskId);
    expect(found.gates.map((g) => [g.id, g.state])).toEqual([['heartbeat', 'pass']]);
    expect(gate(found, 'heartbeat').fact).toMatch(
      /^Last heartbeat from runner wr-flow-runner .* ago \(timeout 300s\)\.$/,
    );
    await sql('UPDATE tasks SET last_heartbeat_at = ? WHERE id = ?', LONG_AGO(), taskId);
    found = await why(taskId);
    expect(found.firstFailing).toMatchObject({ id: 'heartbeat', state: 'fail' });
    expect(found.firstFailing?.fact).toContain(
      'No heartbeat from runner wr-flow-runner for 1h 0m, past the 300s timeout',
    );

    const reported = await runnerCall(token, `/api/runner/tasks/${taskId}/report`, {
      json: success(['src/a.ts']),
    });
    expect(reported.status, await reported.clone().text()).toBe(200);
    found = await why(taskId);
    expect(found).toMatchObject({ status: 'REVIEW', stuck: false });
    expect(gate(found, 'review').state).toBe('wait');
    expect(gate(found, 'review').fact).toMatch(
      /^Waiting for a review since .* UTC \(.*\)\. Who can review: admin@test\.hq, operator@test\.hq\.$/,
    );
    expect(gate(found, 'review').fix).toContain('/review');

    const operator = await signInAs('operator@test.hq');
    const reviewed = await call(`/api/tasks/${taskId}/review`, {
      method: 'POST',
      cookie: operator,
      json: { verdict: 'approve', comments: 'ok' },
    });
    expect(reviewed.status).toBe(200);
    found = await why(taskId);
    expect(gate(found, 'merge')).toMatchObject({ state: 'wait' });
    expect(gate(found, 'merge').fact).toContain('waiting for wr-flow-runner to merge it');

    expect((await leased(token)).map((t) => t.taskId)).toEqual([taskId]);
    expect(gate(await why(taskId), 'merge').fact).toMatch(
      /^Approved; runner wr-flow-runner is merging it \(lease until .* UTC\)\.$/,
    );

    // The lease runs out and the only runner holding the unpushed head goes away: stuck.
    await sql('UPDATE tasks SET merge_lease_until = ? WHERE id = ?', Date.now() - 1, taskId);
    await sql('UPDATE runners SET last_seen_at = ? WHERE id = ?', LONG_AGO(), runnerId);
    found = await why(taskId);
    expect(found.firstFailing).toMatchObject({ id: 'merge', state: 'fail' });
    expect(found.firstFailing?.fact).toContain(
      'no runner that can merge it is online: wr-flow-runner (last seen 1h 0m ago)',
    );
    expect(found.firstFailing?.fix).toContain('Start runner wr-flow-runner again');
    const stuck = (await (await call('/api/tasks/stuck', { cookie: operator })).json()) as {
      items: Why[];
    };
    expect(stuck.items.map((w) => [w.taskId, w.firstFailing?.id])).toEqual([[taskId, 'merge']]);
  });

  it('review with nobody to review is stuck', async () => {
    await createAgent('wr-lonely');
    const { taskId } = await oneTask({ agentHint: 'wr-lonely' });
    await sql("UPDATE tasks SET status = 'REVIEW' WHERE id = ?", taskId);
    const admin = await signInAs('admin@test.hq');
    // Revoked in the app over the env lists: nobody left but the admin, then not even them.
    await call('/api/roles/operator@test.hq', { method: 'DELETE', cookie: admin });
    expect(gate(await why(taskId), 'review').fact).toContain('Who can review: admin@test.hq.');
    await sql(
      "INSERT INTO role_grants (email, role, granted_by, updated_at) VALUES ('admin@test.hq', NULL, 'test', 0)",
    );
    const found = await why(taskId);
    expect(found.firstFailing).toMatchObject({ id: 'review', state: 'fail' });
    expect(found.firstFailing?.fix).toContain('Settings → Roles');
    await sql("DELETE FROM role_grants WHERE email IN ('admin@test.hq', 'operator@test.hq')");
  });
});

describe('the why routes', () => {
  beforeEach(freshCompany);

  it('404 for an unknown task, 401 signed out; viewers read both', async () => {
    const viewer = await signInAs('viewer@test.hq');
    const missing = await call('/api/tasks/no-such-task/why', { cookie: viewer });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('not_found');
    expect((await call('/api/tasks/stuck')).status).toBe(401);
    const { taskId } = await oneTask();
    expect((await call(`/api/tasks/${taskId}/why`)).status).toBe(401);
    expect((await call(`/api/tasks/${taskId}/why`, { cookie: viewer })).status).toBe(200);
  });

  it('lists stuck tasks only, stalest first', async () => {
    const first = await oneTask();
    const second = await oneTask();
    await sql(
      'UPDATE task_events SET created_at = created_at - 60000 WHERE task_id = ?',
      second.taskId,
    );
    const viewer = await signInAs('viewer@test.hq');
    const response = await call('/api/tasks/stuck', { cookie: viewer });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: Why[] };
    expect(items.map((w) => w.taskId)).toEqual([second.taskId, first.taskId]);
    expect(items.every((w) => w.stuck && w.firstFailing?.id === 'worker_exists')).toBe(true);
  });
});
