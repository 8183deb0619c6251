import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../worker/tasks/dispatch';
import { sweep } from '../../../worker/tasks/sweep';
import { cancelOpenTasks, claimNow, registerRunner, runnerCall, success } from '../runners/support';
import { call, signInAs } from '../support/client';
import { approve, hire, type MissionBody, propose } from './support';

/** Past the 48-hour rule (the default `maxTaskAgeHours`), from now. */
const later = () => Date.now() + 49 * 3_600_000;

async function taskFor(agent: string, title: string) {
  const { mission, operator } = await propose({
    title,
    brief: 'b',
    repository: 'acme/app',
    tasks: [{ title, spec: 's', expectedScope: ['src/**'], agentHint: agent }],
  });
  const body = (await (await approve(mission.id, operator)).json()) as MissionBody;
  return { taskId: body.tasks[0]?.id ?? '', operator };
}

const statusOf = async (taskId: string) =>
  (
    await env.DB.prepare('SELECT status FROM tasks WHERE id = ?').bind(taskId).first<{
      status: string;
    }>()
  )?.status;

async function workerSwitch(on: boolean) {
  const admin = await signInAs('admin@test.hq');
  const response = await call('/api/settings', {
    method: 'PATCH',
    cookie: admin,
    json: { workerSwitch: on },
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

beforeEach(async () => {
  await cancelOpenTasks();
  await workerSwitch(true);
});

describe('the 48-hour rule holds only work the agent holds', () => {
  it('never fails a task in REVIEW for age, approved or not', async () => {
    const { token } = await registerRunner('age-review');
    await hire({ slug: 'age-review-agent' });
    const waiting = await taskFor('age-review-agent', 'waits for review');
    const approved = await taskFor('age-review-agent', 'waits for its merge');
    for (const { taskId } of [waiting, approved]) {
      expect((await claimNow(token))?.task.id).toBe(taskId);
      await runnerCall(token, `/api/runner/tasks/${taskId}/report`, {
        json: success(['src/a.ts']),
      });
    }
    await call(`/api/tasks/${approved.taskId}/review`, {
      method: 'POST',
      cookie: approved.operator,
      json: { verdict: 'approve' },
    });
    const result = await sweep(env, later());
    expect(result.failed).toEqual([]);
    expect(await statusOf(waiting.taskId)).toBe('REVIEW');
    expect(await statusOf(approved.taskId)).toBe('REVIEW');
  });

  it('does not fail waiting work while the workers are paused, and then counts from the resume', async () => {
    await hire({ slug: 'age-paused-agent' });
    await workerSwitch(false);
    const { taskId } = await taskFor('age-paused-agent', 'waits while paused');
    expect(await statusOf(taskId)).toBe('PENDING');
    expect((await sweep(env, later())).failed).toEqual([]);
    expect(await statusOf(taskId)).toBe('PENDING');

    await workerSwitch(true);
    await dispatch(env);
    expect(await statusOf(taskId)).toBe('ASSIGNED');
    // Within 48 hours of the resume: still held.
    expect((await sweep(env, Date.now() + 47 * 3_600_000)).failed).toEqual([]);
    expect((await sweep(env, later())).failed).toEqual([taskId]);
    expect(await statusOf(taskId)).toBe('FAILED');
  });

  it('does not count an age failure toward the agent cooldown', async () => {
    await hire({ slug: 'age-streak-agent' });
    const { taskId } = await taskFor('age-streak-agent', 'too slow');
    expect(await statusOf(taskId)).toBe('ASSIGNED');
    // One failure short of the default cooldown (3 in a row).
    await env.DB.prepare(
      "UPDATE agents SET consecutive_failures = 2 WHERE slug = 'age-streak-agent'",
    ).run();
    expect((await sweep(env, later())).failed).toEqual([taskId]);
    const agent = await env.DB.prepare(
      "SELECT consecutive_failures, cooldown_until FROM agents WHERE slug = 'age-streak-agent'",
    ).first();
    expect(agent).toEqual({ consecutive_failures: 2, cooldown_until: null });
    const reason = await env.DB.prepare('SELECT failure_reason FROM tasks WHERE id = ?')
      .bind(taskId)
      .first<{ failure_reason: string }>();
    expect(reason?.failure_reason).toContain('48 hours');
  });
});

describe('dispatch follows agent schedules', () => {
  it('leaves a task waiting for an agent off schedule, and assigns it once on duty', async () => {
    await hire({ slug: 'off-duty-agent' });
    // A month far from now, in any time zone: the agent is off duty.
    const month = ((new Date().getUTCMonth() + 6) % 12) + 1;
    await env.DB.prepare("UPDATE agents SET schedule = ? WHERE slug = 'off-duty-agent'")
      .bind(`0 * * ${month} *`)
      .run();
    const { taskId } = await taskFor('off-duty-agent', 'for later');
    expect(await statusOf(taskId)).toBe('PENDING');
    await env.DB.prepare("UPDATE agents SET schedule = NULL WHERE slug = 'off-duty-agent'").run();
    await dispatch(env);
    expect(await statusOf(taskId)).toBe('ASSIGNED');
  });
});
