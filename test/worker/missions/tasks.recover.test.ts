import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { cancelOpenTasks, claimNow, registerRunner, runnerCall, success } from '../runners/support';
import { call, signInAs } from '../support/client';
import { approve, hire, type MissionBody, propose } from './support';

interface TaskView {
  status: string;
  agentId: string | null;
  agentHint: string | null;
  failureReason: string | null;
  events: { actor: string; from: string | null; to: string; reason: string | null }[];
}

async function missionFor(agent: string, title: string) {
  const { mission, operator } = await propose({
    title,
    brief: 'b',
    repository: 'acme/app',
    tasks: [{ title, spec: 's', expectedScope: ['src/**'], agentHint: agent }],
  });
  const body = (await (await approve(mission.id, operator)).json()) as MissionBody;
  return { missionId: mission.id, taskId: body.tasks[0]?.id ?? '', operator };
}

const post = (path: string, cookie: string, json: unknown = {}) =>
  call(path, { method: 'POST', cookie, json });

const taskOf = async (id: string, cookie: string) =>
  (await (await call(`/api/tasks/${id}`, { cookie })).json()) as TaskView;

const agentIdOf = async (slug: string) =>
  (await env.DB.prepare('SELECT id FROM agents WHERE slug = ?').bind(slug).first<{ id: string }>())
    ?.id;

beforeEach(async () => {
  await cancelOpenTasks();
});

describe('operators recover tasks', () => {
  it('retries a failed task with another agent: history kept, the mission reopened, audited', async () => {
    const { token } = await registerRunner('recover-retry');
    await hire({ slug: 'retry-first' }, { slug: 'retry-second' });
    const { missionId, taskId, operator } = await missionFor('retry-first', 'flaky work');
    expect((await claimNow(token))?.task.id).toBe(taskId);
    await runnerCall(token, `/api/runner/tasks/${taskId}/report`, {
      json: success([], { outcome: 'failure', error: 'crashed' }),
    });
    const mission = async () =>
      (await (await call(`/api/missions/${missionId}`, { cookie: operator })).json()) as {
        status: string;
      };
    expect((await mission()).status).toBe('FAILED');

    const unknown = await post(`/api/tasks/${taskId}/retry`, operator, { agent: 'nobody-here' });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('nobody-here');

    const retried = await post(`/api/tasks/${taskId}/retry`, operator, {
      agent: 'retry-second',
      reason: 'the first one keeps crashing',
    });
    expect(retried.status, await retried.clone().text()).toBe(200);
    const task = await taskOf(taskId, operator);
    // Dispatched at once to the new agent.
    expect(task).toMatchObject({
      status: 'ASSIGNED',
      agentHint: 'retry-second',
      agentId: await agentIdOf('retry-second'),
      failureReason: null,
    });
    expect(task.events.map((e) => `${e.from ?? '-'}>${e.to}`)).toEqual([
      '->PENDING',
      'PENDING>ASSIGNED',
      'ASSIGNED>RUNNING',
      'RUNNING>FAILED',
      'FAILED>PENDING',
      'PENDING>ASSIGNED',
    ]);
    expect(task.events[4]).toMatchObject({
      actor: 'operator@test.hq',
      reason: 'the first one keeps crashing',
    });
    expect((await mission()).status).toBe('APPROVED');
    const audit = await env.DB.prepare(
      "SELECT actor FROM audit_log WHERE action = 'task.retry' AND entity_id = ?",
    )
      .bind(taskId)
      .first();
    expect(audit).toEqual({ actor: 'operator@test.hq' });
    // Not failed any more: a second retry is an illegal move.
    expect((await post(`/api/tasks/${taskId}/retry`, operator)).status).toBe(409);
  });

  it('reassigns a waiting task to a named agent; an unknown slug is 422', async () => {
    await hire({ slug: 'reassign-from' }, { slug: 'reassign-to' });
    const { taskId, operator } = await missionFor('reassign-from', 'handed over');
    expect((await taskOf(taskId, operator)).status).toBe('ASSIGNED');
    const unknown = await post(`/api/tasks/${taskId}/reassign`, operator, { agent: 'ghost-agent' });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('ghost-agent');
    const moved = await post(`/api/tasks/${taskId}/reassign`, operator, { agent: 'reassign-to' });
    expect(moved.status, await moved.clone().text()).toBe(200);
    const task = await taskOf(taskId, operator);
    expect(task).toMatchObject({
      status: 'ASSIGNED',
      agentHint: 'reassign-to',
      agentId: await agentIdOf('reassign-to'),
    });
    expect(task.events.at(-2)).toMatchObject({
      actor: 'operator@test.hq',
      from: 'ASSIGNED',
      to: 'PENDING',
      reason: 'reassigned to reassign-to',
    });
  });

  it('cancels an open task, audited; cancelling it again is 409', async () => {
    await hire({ slug: 'cancel-agent' });
    const { taskId, operator } = await missionFor('cancel-agent', 'not wanted');
    const cancelled = await post(`/api/tasks/${taskId}/cancel`, operator, { reason: 'dropped' });
    expect(cancelled.status).toBe(200);
    const task = await taskOf(taskId, operator);
    expect(task.status).toBe('CANCELLED');
    expect(task.events.at(-1)).toMatchObject({ actor: 'operator@test.hq', reason: 'dropped' });
    const again = await post(`/api/tasks/${taskId}/cancel`, operator);
    expect(again.status).toBe(409);
    expect(
      (await post(`/api/tasks/${taskId}/reassign`, operator, { agent: 'cancel-agent' })).status,
    ).toBe(409);
    const audit = await env.DB.prepare(
      "SELECT actor FROM audit_log WHERE action = 'task.cancel' AND entity_id = ?",
    )
      .bind(taskId)
      .first();
    expect(audit).toEqual({ actor: 'operator@test.hq' });
  });

  it('refuses viewers with 403 on retry, reassign and cancel', async () => {
    await hire({ slug: 'viewer-refused' });
    const { taskId } = await missionFor('viewer-refused', 'guarded');
    const viewer = await signInAs('viewer@test.hq');
    for (const [action, body] of [
      ['retry', {}],
      ['reassign', { agent: 'viewer-refused' }],
      ['cancel', {}],
    ] as const) {
      expect((await post(`/api/tasks/${taskId}/${action}`, viewer, body)).status).toBe(403);
    }
  });
});
