import { abortAllDurableObjects } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { layoutProblem } from '../../../worker/office/layout';
import type { OfficeServerMessage } from '../../../worker/office/protocol';
import { approve, hire, propose } from '../missions/support';
import { type ClaimBody, registerRunner, runnerCall, success } from '../runners/support';
import { call, errorOf, signInAs } from '../support/client';
import { agentIs, isLayout, isSnapshot, type OfficeClient, openOffice } from './support';

type TaskDelta = Extract<OfficeServerMessage, { type: 'task' }>;

const open: OfficeClient[] = [];
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});

async function office(email: string) {
  const client = await openOffice(await signInAs(email));
  open.push(client);
  return client;
}

async function roster(cookie: string) {
  const response = await call('/api/agents', { cookie });
  return ((await response.json()) as { agents: { id: string; slug: string }[] }).agents;
}

describe('the office hub', () => {
  it('refuses strangers (401), plain GETs (426) and other sites’ pages (403)', async () => {
    const anonymous = await call('/api/office/ws', { headers: { upgrade: 'websocket' } });
    expect(anonymous.status).toBe(401);
    const viewer = await signInAs('viewer@test.hq');
    const plain = await call('/api/office/ws', { cookie: viewer });
    expect(plain.status).toBe(426);
    expect((await errorOf(plain)).code).toBe('upgrade_required');
    const foreign = await call('/api/office/ws', {
      cookie: viewer,
      headers: { upgrade: 'websocket', origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect((await errorOf(foreign)).message).toContain('https://evil.example');
  });

  it('greets a viewer with a snapshot: every agent, and a usable floor with a desk each', async () => {
    const viewer = await office('viewer@test.hq');
    const snapshot = await viewer.next(isSnapshot);
    const agents = await roster(await signInAs('viewer@test.hq'));
    expect(snapshot.agents.map((a) => a.id).sort()).toEqual(agents.map((a) => a.id).sort());
    expect(layoutProblem(snapshot.layout)).toBeUndefined();
    const desks = snapshot.layout.furniture.filter((f) => f.kind === 'desk');
    expect(desks.map((d) => d.agentId).sort()).toEqual(agents.map((a) => a.id).sort());
    expect(snapshot.layout.furniture.map((f) => f.kind)).toEqual(
      expect.arrayContaining(['coffee', 'water', 'plant']),
    );
  });

  it('pushes a newcomer with its desk, then its robot working while its task runs', async () => {
    const viewer = await office('viewer@test.hq');
    await viewer.next(isSnapshot);
    await hire({ slug: 'hub-ada' });
    const joined = await viewer.next(agentIs('hub-ada', 'idle'));
    const layout = await viewer.next(isLayout);
    expect(layout.layout.furniture.some((f) => f.agentId === joined.agent.id)).toBe(true);

    const { mission, operator } = await propose({
      title: 'Office mission',
      brief: 'Give hub-ada something to do.',
      repository: 'acme/app',
      tasks: [
        { title: 'Paint the door', spec: 'Blue.', expectedScope: ['src/**'], agentHint: 'hub-ada' },
      ],
    });
    expect((await approve(mission.id, operator)).status).toBe(200);
    const { token } = await registerRunner('office-runner');
    const claimed = await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } });
    const claim = (await claimed.json()) as ClaimBody;
    const working = await viewer.next(agentIs('hub-ada', 'working'));
    expect(working.agent.task?.title).toBe('Paint the door');
    expect(working.agent.task?.id).toBe(claim.task.id);
    // Every task move of the work loop is a delta too, for live boards.
    const moved =
      (to: string) =>
      (m: OfficeServerMessage): m is TaskDelta =>
        m.type === 'task' && m.task.id === claim.task.id && m.task.to === to;
    expect((await viewer.next(moved('RUNNING'))).task).toMatchObject({
      from: 'ASSIGNED',
      actor: expect.any(String),
    });

    const from = viewer.messages.length;
    const report = await runnerCall(token, `/api/runner/tasks/${claim.task.id}/report`, {
      json: success(['src/door.ts']),
    });
    expect(report.status).toBe(200);
    const idle = await viewer.next(agentIs('hub-ada', 'idle'), from);
    expect((await viewer.next(moved('REVIEW'), from)).task.from).toBe('RUNNING');
    expect(idle.agent.task).toBeNull();
    expect(idle.agent.spendThisMonthUsd).toBeCloseTo(0.42);
  });

  it('puts a robot to sleep when its worker is switched off, and says why', async () => {
    await hire({ slug: 'hub-sleepy' });
    const viewer = await office('viewer@test.hq');
    await viewer.next(isSnapshot);
    const operator = await signInAs('operator@test.hq');
    const patched = await call('/api/agents/hub-sleepy', {
      method: 'PATCH',
      cookie: operator,
      json: { workerEnabled: false, reason: 'night off' },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const asleep = await viewer.next(agentIs('hub-sleepy', 'sleeping'));
    expect(asleep.agent.sleepReason).toBe('worker disabled');
  });

  it('lets an admin move furniture, tells every client, and refuses moves that break the floor', async () => {
    const viewer = await office('viewer@test.hq');
    const admin = await signInAs('admin@test.hq');
    const adminSocket = await openOffice(admin);
    open.push(adminSocket);
    const { layout } = await viewer.next(isSnapshot);
    const coffee = layout.furniture.find((f) => f.kind === 'coffee');
    const desk = layout.furniture.find((f) => f.kind === 'desk');
    if (!coffee || !desk) throw new Error('no coffee machine or desk');

    const operator = await signInAs('operator@test.hq');
    const refused = await call('/api/office/furniture/coffee', {
      method: 'PUT',
      cookie: operator,
      json: { x: 1, z: 1, rotation: 0 },
    });
    expect(refused.status).toBe(403);

    const onDesk = await call('/api/office/furniture/coffee', {
      method: 'PUT',
      cookie: admin,
      json: { x: desk.x, z: desk.z, rotation: 0 },
    });
    expect(onDesk.status).toBe(409);
    expect((await errorOf(onDesk)).message).toMatch(
      /coffee overlaps desk-|desk-\S+ overlaps coffee/,
    );
    const blocking = await call('/api/office/furniture/plant-1', {
      method: 'PUT',
      cookie: admin,
      json: { x: desk.x, z: desk.z + 1, rotation: 0 },
    });
    expect(blocking.status).toBe(409);
    expect((await errorOf(blocking)).message).toContain(`stands in front of ${desk.id}`);
    const unknown = await call('/api/office/furniture/sofa', {
      method: 'PUT',
      cookie: admin,
      json: { x: 1, z: 1, rotation: 0 },
    });
    expect(unknown.status).toBe(404);
    const bad = await call('/api/office/furniture/coffee', {
      method: 'PUT',
      cookie: admin,
      json: { x: -1, z: 1, rotation: 45 },
    });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).fields?.map((f) => f.field).sort()).toEqual(['rotation', 'x']);
    const unchanged = await call('/api/office/layout', { cookie: operator });
    expect(await unchanged.json()).toEqual(layout);

    const moved = await call('/api/office/furniture/coffee', {
      method: 'PUT',
      cookie: admin,
      json: { x: 0, z: 2, rotation: 90 },
    });
    expect(moved.status, await moved.clone().text()).toBe(200);
    for (const client of [viewer, adminSocket]) {
      const pushed = await client.next(
        (m): m is Extract<typeof m, { type: 'layout' }> =>
          m.type === 'layout' && m.actor === 'admin@test.hq',
      );
      expect(pushed.layout.furniture.find((f) => f.id === 'coffee')).toMatchObject({
        x: 0,
        z: 2,
        rotation: 90,
      });
    }
    const stored = (await (
      await call('/api/office/layout', { cookie: operator })
    ).json()) as typeof layout;
    expect(stored.furniture.find((f) => f.id === 'coffee')).toMatchObject({
      x: 0,
      z: 2,
      rotation: 90,
    });
    const audit = await env.DB.prepare(
      "SELECT actor, entity_id AS entityId FROM audit_log WHERE action = 'office.furniture.moved'",
    ).all();
    expect(audit.results).toEqual([{ actor: 'admin@test.hq', entityId: 'coffee' }]);
  });

  it('comes back after the hub is evicted: a reconnecting client resynchronises, deltas go on', async () => {
    await hire({ slug: 'hub-phoenix' });
    const before = await office('viewer@test.hq');
    await before.next(isSnapshot);
    await abortAllDurableObjects();
    // The dropped client opens a new socket, as the office page does, and gets the whole picture.
    const after = await office('viewer@test.hq');
    const snapshot = await after.next(isSnapshot);
    expect(snapshot.agents.some((a) => a.slug === 'hub-phoenix')).toBe(true);
    const operator = await signInAs('operator@test.hq');
    const patched = await call('/api/agents/hub-phoenix', {
      method: 'PATCH',
      cookie: operator,
      json: { workerEnabled: false, reason: 'after the restart' },
    });
    expect(patched.status).toBe(200);
    const asleep = await after.next(agentIs('hub-phoenix', 'sleeping'));
    // Numbering goes on from the stored counter: no gap that would force another resync.
    expect(asleep.seq).toBe(snapshot.seq + 1);
  });
});
