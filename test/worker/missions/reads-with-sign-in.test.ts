import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, signInAs } from '../support/client';
import { createToken, withToken } from '../tokens/support';
import { countingDb } from './counting-db';
import { approve, hire, type MissionBody, plan, propose } from './support';

// A decision and a task's page read what they need in the sign-in check's own D1 batch (one
// round trip fewer, worker/http/sign-in-reads.ts). These pin that the role still decides
// first in effect, that an API token (which signs in without that batch) gets the same
// answer, and how many round trips each costs.

const missionStatus = async (id: string) =>
  (
    await env.DB.prepare('SELECT status FROM missions WHERE id = ?')
      .bind(id)
      .first<{ status: string }>()
  )?.status;

describe('a route’s first reads ride in the sign-in check’s batch', () => {
  it('approve: one round trip for the sign-in, the mission and what dispatch reads, two in all; a viewer still gets 403 and decides nothing', async () => {
    await hire({ slug: 'rs-one' });
    const { mission, operator } = await propose(plan({ title: 'Reads with sign-in' }));
    const viewer = await signInAs('viewer@test.hq');
    const refused = await call(`/api/missions/${mission.id}/approve`, {
      method: 'POST',
      cookie: viewer,
      json: {},
    });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(await refused.json())).not.toContain('Reads with sign-in');
    expect(await missionStatus(mission.id)).toBe('PROPOSED');
    const unsigned = await call(`/api/missions/${mission.id}/approve`, {
      method: 'POST',
      json: {},
    });
    expect(unsigned.status).toBe(401);

    const counting = countingDb();
    const approved = await call(`/api/missions/${mission.id}/approve`, {
      method: 'POST',
      cookie: operator,
      json: {},
      env: { DB: counting.db },
    });
    expect(approved.status, await approved.clone().text()).toBe(200);
    const body = (await approved.json()) as MissionBody;
    expect(body).toMatchObject({ id: mission.id, status: 'APPROVED', changed: true });
    expect(body.tasks).toHaveLength(2);
    // Sign-in with the mission, the settings and dispatch's reads; then the decision with
    // dispatch's moves and the answer, which shows the tasks already given to agents.
    expect(counting.trips()).toBe(2);
    expect(body.tasks.map((t) => t.status)).toEqual(['ASSIGNED', 'ASSIGNED']);
    // An unknown mission is still a 404 after the shared batch.
    const missing = await approve('no-such-mission', operator);
    expect(missing.status).toBe(404);
  });

  it('get a task: one round trip in all with a session, the same answer with an API token', async () => {
    const { mission, operator } = await propose(plan({ title: 'Task page reads' }));
    const approved = (await (await approve(mission.id, operator)).json()) as MissionBody;
    const taskId = approved.tasks[0]?.id ?? '';
    const viewer = await signInAs('viewer@test.hq');

    const counting = countingDb();
    const bySession = await call(`/api/tasks/${taskId}`, {
      cookie: viewer,
      env: { DB: counting.db },
    });
    expect(bySession.status).toBe(200);
    expect(counting.trips()).toBe(1);
    const task = (await bySession.json()) as { id: string; events: { to: string }[] };
    expect(task.id).toBe(taskId);
    expect(task.events.length).toBeGreaterThan(0);

    const { token } = await createToken('reads-with-sign-in', 'viewer');
    const byToken = await withToken(token, `/api/tasks/${taskId}`);
    expect(byToken.status).toBe(200);
    expect(await byToken.json()).toEqual(task);

    expect((await call(`/api/tasks/${taskId}`)).status).toBe(401);
    expect((await call('/api/tasks/no-such-task', { cookie: viewer })).status).toBe(404);
  });

  it('list tasks: one round trip in all with a session, filtered by agent in the same read; a bad query is still 400', async () => {
    await hire({ slug: 'rs-list' });
    const { mission, operator } = await propose(plan({ title: 'Task list reads' }));
    const approved = (await (await approve(mission.id, operator)).json()) as MissionBody;
    const agentId = approved.tasks[0]?.agentId;
    expect(agentId).toBeTruthy();
    const slug = (
      await env.DB.prepare('SELECT slug FROM agents WHERE id = ?')
        .bind(agentId)
        .first<{ slug: string }>()
    )?.slug;
    const viewer = await signInAs('viewer@test.hq');
    const path = `/api/tasks?agent=${slug}&missionId=${mission.id}&limit=1`;

    const counting = countingDb();
    const bySession = await call(path, { cookie: viewer, env: { DB: counting.db } });
    expect(bySession.status, await bySession.clone().text()).toBe(200);
    expect(counting.trips()).toBe(1);
    const page = (await bySession.json()) as {
      items: { id: string; agentId: string; missionId: string }[];
      nextCursor: string | null;
    };
    const mine = approved.tasks.filter((t) => t.agentId === agentId);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ agentId, missionId: mission.id });
    // One more task of that agent's on the mission means one more page.
    expect(page.nextCursor === null).toBe(mine.length === 1);

    const { token } = await createToken('reads-with-sign-in-list', 'viewer');
    const byToken = await withToken(token, path);
    expect(byToken.status).toBe(200);
    expect(await byToken.json()).toEqual(page);

    const nobody = await call(`/api/tasks?agent=no-such-agent&missionId=${mission.id}`, {
      cookie: viewer,
    });
    expect(((await nobody.json()) as { items: unknown[] }).items).toEqual([]);
    for (const bad of [
      '/api/tasks?limit=0',
      '/api/tasks?order=up',
      '/api/tasks?status=DONE&status=FAILED',
    ]) {
      expect((await call(bad, { cookie: viewer })).status, bad).toBe(400);
    }
    expect((await call(path)).status).toBe(401);
  });
});
