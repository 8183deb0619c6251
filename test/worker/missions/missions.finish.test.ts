import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TIER_RULES } from '../../../worker/notifications/catalog';
import { about, ceo } from '../ceo/support';
import {
  cancelOpenTasks,
  claimNow,
  leased,
  registerRunner,
  runnerCall,
  success,
} from '../runners/support';
import { call, signInAs } from '../support/client';
import { approve, hire, type MissionBody, propose } from './support';

interface MissionView {
  status: string;
  finishReason: string | null;
  spentUsd: number;
  spentTokens: number;
  tasks: { id: string; status: string }[];
}

/** An approved mission of `titles`, each for `agent`. */
async function missionOf(agent: string, titles: string[]) {
  const { mission, operator } = await propose({
    title: `Mission of ${agent}`,
    brief: 'b',
    repository: 'acme/app',
    tasks: titles.map((title) => ({
      title,
      spec: 's',
      expectedScope: ['src/**'],
      agentHint: agent,
    })),
  });
  const body = (await (await approve(mission.id, operator)).json()) as MissionBody;
  return { id: mission.id, tasks: body.tasks.map((t) => t.id), operator };
}

const view = async (id: string, cookie: string) =>
  (await (await call(`/api/missions/${id}`, { cookie })).json()) as MissionView;

const missionEvents = (id: string) =>
  env.DB.prepare(
    "SELECT type, payload FROM domain_events WHERE entity_type = 'mission' AND entity_id = ? ORDER BY id",
  )
    .bind(id)
    .all<{ type: string; payload: string }>()
    .then((r) => r.results);

/** Claims the next task, reports success, approves it and merges it. */
async function runToDone(token: string, operator: string) {
  const claimed = await claimNow(token);
  const taskId = claimed?.task.id ?? '';
  await runnerCall(token, `/api/runner/tasks/${taskId}/report`, { json: success(['src/a.ts']) });
  await call(`/api/tasks/${taskId}/review`, {
    method: 'POST',
    cookie: operator,
    json: { verdict: 'approve' },
  });
  expect((await leased(token)).map((l) => l.taskId)).toEqual([taskId]);
  const merged = await runnerCall(token, `/api/runner/tasks/${taskId}/merge`, {
    json: { result: 'merged', mergeCommit: 'f00dfeed1234' },
  });
  expect(await merged.json()).toEqual({ status: 'DONE' });
  return taskId;
}

beforeEach(async () => {
  await cancelOpenTasks();
});

describe('missions finish', () => {
  it('is DONE once its last task merges, with its spend, and the CEO is told at once', async () => {
    const { token } = await registerRunner('finish-done');
    await hire({ slug: 'finish-done-agent' });
    const { id, operator } = await missionOf('finish-done-agent', ['one', 'two']);
    await runToDone(token, operator);
    // One task still open: the mission is not done yet.
    expect((await view(id, operator)).status).toBe('APPROVED');
    await runToDone(token, operator);
    const done = await view(id, operator);
    expect(done).toMatchObject({ status: 'DONE', spentTokens: 3000 });
    expect(done.spentUsd).toBeCloseTo(0.84);
    const listed = (await (await call('/api/missions', { cookie: operator })).json()) as {
      items: { id: string; status: string; spentUsd: number }[];
    };
    expect(listed.items.find((m) => m.id === id)).toMatchObject({ status: 'DONE' });
    expect(listed.items.find((m) => m.id === id)?.spentUsd).toBeCloseTo(0.84);
    expect((await missionEvents(id)).map((e) => e.type)).toEqual([
      'mission.proposed',
      'mission.decided',
      'mission.done',
    ]);
    expect(DEFAULT_TIER_RULES['mission.done'].tier).toBe('IMMEDIATE');
    await ceo().poke();
    const told = await about(id);
    expect(told.map((n) => [n.eventType, n.tier])).toContainEqual(['mission.done', 'IMMEDIATE']);
  });

  it('is FAILED when a task fails, naming it; the CEO is told at once', async () => {
    const { token } = await registerRunner('finish-failed');
    await hire({ slug: 'finish-failed-agent' });
    const { id, tasks, operator } = await missionOf('finish-failed-agent', ['breaks', 'other']);
    const claimed = await claimNow(token);
    expect(claimed?.task.id).toBe(tasks[0]);
    await runnerCall(token, `/api/runner/tasks/${tasks[0]}/report`, {
      json: success([], { outcome: 'failure', error: 'tests do not pass' }),
    });
    const failed = await view(id, operator);
    expect(failed.status).toBe('FAILED');
    expect(failed.finishReason).toContain('"breaks"');
    expect(failed.finishReason).toContain('tests do not pass');
    const events = await missionEvents(id);
    expect(events.at(-1)?.type).toBe('mission.failed');
    expect(JSON.parse(events.at(-1)?.payload ?? '{}')).toMatchObject({ taskId: tasks[0] });
    expect(DEFAULT_TIER_RULES['mission.failed'].tier).toBe('IMMEDIATE');
    await ceo().poke();
    expect((await about(id)).map((n) => [n.eventType, n.tier])).toContainEqual([
      'mission.failed',
      'IMMEDIATE',
    ]);
  });

  it('is CANCELLED by an operator: open tasks cancelled, a running one answered 409', async () => {
    const { token } = await registerRunner('finish-cancel');
    await hire({ slug: 'finish-cancel-agent' });
    const { id, tasks, operator } = await missionOf('finish-cancel-agent', ['runs', 'waits']);
    const claimed = await claimNow(token);
    expect(claimed?.task.id).toBe(tasks[0]);

    const viewer = await signInAs('viewer@test.hq');
    const denied = await call(`/api/missions/${id}/cancel`, {
      method: 'POST',
      cookie: viewer,
      json: {},
    });
    expect(denied.status).toBe(403);

    const cancelled = await call(`/api/missions/${id}/cancel`, {
      method: 'POST',
      cookie: operator,
      json: { reason: 'not needed any more' },
    });
    expect(cancelled.status, await cancelled.clone().text()).toBe(200);
    const body = (await cancelled.json()) as MissionView;
    expect(body.status).toBe('CANCELLED');
    expect(body.finishReason).toContain('not needed any more');
    expect(body.tasks.map((t) => t.status)).toEqual(['CANCELLED', 'CANCELLED']);

    const beat = await runnerCall(token, `/api/runner/tasks/${tasks[0]}/heartbeat`, {
      json: { phase: 'coding' },
    });
    expect(beat.status).toBe(409);
    expect((await missionEvents(id)).map((e) => e.type).at(-1)).toBe('mission.cancelled');
    const audit = await env.DB.prepare(
      "SELECT actor FROM audit_log WHERE action = 'mission.cancel' AND entity_id = ?",
    )
      .bind(id)
      .first();
    expect(audit).toEqual({ actor: 'operator@test.hq' });
    const twice = await call(`/api/missions/${id}/cancel`, {
      method: 'POST',
      cookie: operator,
      json: {},
    });
    expect(twice.status).toBe(409);
  });

  it('is CANCELLED, not DONE, when every task was cancelled one by one', async () => {
    await hire({ slug: 'finish-none-agent' });
    const { id, tasks, operator } = await missionOf('finish-none-agent', ['a']);
    const response = await call(`/api/tasks/${tasks[0]}/cancel`, {
      method: 'POST',
      cookie: operator,
      json: {},
    });
    expect(response.status).toBe(200);
    expect(await view(id, operator)).toMatchObject({
      status: 'CANCELLED',
      finishReason: 'every task was cancelled',
    });
  });
});
