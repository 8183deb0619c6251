import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, signInAs } from '../support/client';
import { approve, hire, type MissionBody, plan, propose } from './support';

const agentIdOf = async (slug: string) =>
  (await env.DB.prepare('SELECT id FROM agents WHERE slug = ?').bind(slug).first<{ id: string }>())
    ?.id;

describe('missions: propose, approve, dispatch', () => {
  it('proposes a mission whose tasks wait as a plan until approval', async () => {
    const { mission, operator } = await propose();
    expect(mission).toMatchObject({ status: 'PROPOSED', proposedBy: 'operator@test.hq' });
    const detail = (await (
      await call(`/api/missions/${mission.id}`, { cookie: operator })
    ).json()) as MissionBody & { plan: unknown[] };
    expect(detail.plan).toHaveLength(2);
    expect(detail.tasks).toEqual([]);
  });

  it('approval creates PENDING tasks and dispatches them to the least busy enabled worker', async () => {
    await hire({ slug: 'w-one' }, { slug: 'w-two' });
    const { mission, operator } = await propose();
    const response = await approve(mission.id, operator);
    expect(response.status).toBe(200);
    const body = (await response.json()) as MissionBody;
    expect(body).toMatchObject({ status: 'APPROVED', changed: true });
    expect(body.tasks.map((t) => t.status)).toEqual(['ASSIGNED', 'ASSIGNED']);
    expect(new Set(body.tasks.map((t) => t.agentId)).size).toBe(2);
    const events = await env.DB.prepare(
      'SELECT from_status, to_status, actor FROM task_events WHERE task_id = ? ORDER BY id',
    )
      .bind(body.tasks[0]?.id)
      .all();
    expect(events.results).toEqual([
      { from_status: null, to_status: 'PENDING', actor: 'operator@test.hq' },
      { from_status: 'PENDING', to_status: 'ASSIGNED', actor: 'dispatcher' },
    ]);
  });

  it('honours agent and role hints', async () => {
    await hire({ slug: 'h-docs', role: 'Technical writer' }, { slug: 'h-back' });
    const { mission, operator } = await propose(
      plan({
        tasks: [
          { title: 'a', spec: 's', expectedScope: ['x/**'], agentHint: 'h-back' },
          { title: 'b', spec: 's', expectedScope: ['y/**'], roleHint: 'technical writer' },
        ],
      }),
    );
    const body = (await (await approve(mission.id, operator)).json()) as MissionBody;
    expect(body.tasks.map((t) => t.agentId)).toEqual([
      await agentIdOf('h-back'),
      await agentIdOf('h-docs'),
    ]);
  });

  it('rejects a mission once; approving it afterwards is a conflict', async () => {
    const { mission, operator } = await propose();
    const rejected = await call(`/api/missions/${mission.id}/reject`, {
      method: 'POST',
      cookie: operator,
      json: { reason: 'not now' },
    });
    expect(await rejected.json()).toMatchObject({
      status: 'REJECTED',
      decisionReason: 'not now',
      changed: true,
    });
    const again = await call(`/api/missions/${mission.id}/reject`, {
      method: 'POST',
      cookie: operator,
      json: {},
    });
    expect(await again.json()).toMatchObject({ status: 'REJECTED', changed: false });
    expect((await approve(mission.id, operator)).status).toBe(409);
  });

  it('lists missions newest first, filtered by status', async () => {
    const viewer = await signInAs('viewer@test.hq');
    const { mission } = await propose(plan({ title: 'Newest one' }));
    const page = (await (
      await call('/api/missions?status=PROPOSED&limit=1', { cookie: viewer })
    ).json()) as {
      items: { id: string }[];
      nextCursor: string | null;
    };
    expect(page.items[0]?.id).toBe(mission.id);
    expect(page.nextCursor).not.toBeNull();
  });
});
