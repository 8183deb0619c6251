import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../worker/tasks/dispatch';
import { call, signInAs } from '../support/client';
import { approve, hire, type MissionBody, plan, propose } from './support';

// An approval writes its tasks, their events and their outbox entries set-based, and dispatch
// its moves too: the rows must be those one statement per task wrote (the CEO and the office
// read the payloads), in the plan's order.

const tricky = plan({
  tasks: [
    {
      title: 'Ünïcode "quoted" \\ title',
      spec: 'Line one\nline two\t"x"',
      expectedScope: ['src/**', 'a b/*.ts'],
    },
    { title: 'Second', spec: 'Spec.', expectedScope: ['docs/**'], agentHint: 'aw-one' },
    { title: 'Third', spec: 'Spec.', expectedScope: ['x/**'], roleHint: 'Engineer' },
  ],
});

const moved = async (missionId: string) =>
  (
    await env.DB.prepare(
      `SELECT e.type, e.entity_id, e.payload FROM domain_events e
       WHERE e.entity_id = ?1 OR e.entity_id IN (SELECT id FROM tasks WHERE mission_id = ?1) ORDER BY e.id`,
    )
      .bind(missionId)
      .all<{ type: string; entity_id: string; payload: string }>()
  ).results;

describe('an approval’s writes', () => {
  it('creates the plan’s tasks, events and outbox entries as single statements would', async () => {
    await hire({ slug: 'aw-one' });
    const { mission, operator } = await propose(tricky);
    const body = (await (await approve(mission.id, operator)).json()) as MissionBody;
    expect(body.changed).toBe(true);
    expect(body.tasks.map((t) => [t.title, t.status])).toEqual([
      ['Ünïcode "quoted" \\ title', 'ASSIGNED'],
      ['Second', 'ASSIGNED'],
      ['Third', 'ASSIGNED'],
    ]);
    const rows = (
      await env.DB.prepare(
        'SELECT id, spec, expected_scope, agent_hint, role_hint, timeout_seconds, created_at, updated_at FROM tasks WHERE mission_id = ? ORDER BY created_at',
      )
        .bind(mission.id)
        .all<Record<string, string | number | null>>()
    ).results;
    const at = Number(rows[0]?.updated_at);
    expect(rows.map((r) => r.created_at)).toEqual([at, at + 1, at + 2]);
    expect(rows.map((r) => r.expected_scope)).toEqual(
      tricky.tasks.map((t) => JSON.stringify(t.expectedScope)),
    );
    expect(rows[0]?.spec).toBe('Line one\nline two\t"x"');
    expect(rows.map((r) => [r.agent_hint, r.role_hint])).toEqual([
      [null, null],
      ['aw-one', null],
      [null, 'Engineer'],
    ]);
    expect(rows.every((r) => typeof r.timeout_seconds === 'number')).toBe(true);

    const ids = rows.map((r) => String(r.id));
    const events = await moved(mission.id);
    const pending = ids.map((taskId) => ({
      type: 'task.moved',
      entity_id: taskId,
      payload: JSON.stringify({
        taskId,
        from: null,
        to: 'PENDING',
        actor: 'operator@test.hq',
        reason: 'mission approved',
      }),
    }));
    const assigned = ids.map((taskId) => ({
      type: 'task.moved',
      entity_id: taskId,
      payload: JSON.stringify({
        taskId,
        from: 'PENDING',
        to: 'ASSIGNED',
        actor: 'dispatcher',
        reason: 'assigned to aw-one',
      }),
    }));
    expect(events.filter((e) => e.type !== 'mission.proposed')).toEqual([
      ...pending,
      expect.objectContaining({ type: 'mission.decided', entity_id: mission.id }),
      ...assigned,
    ]);
    const history = await env.DB.prepare(
      `SELECT task_id, from_status, to_status, reason FROM task_events
       WHERE task_id IN (SELECT id FROM tasks WHERE mission_id = ?) ORDER BY id`,
    )
      .bind(mission.id)
      .all();
    expect(history.results).toEqual([
      ...ids.map((id) => ({
        task_id: id,
        from_status: null,
        to_status: 'PENDING',
        reason: 'mission approved',
      })),
      ...ids.map((id) => ({
        task_id: id,
        from_status: 'PENDING',
        to_status: 'ASSIGNED',
        reason: 'assigned to aw-one',
      })),
    ]);

    // Asked again: the same answer, nothing written.
    const again = (await (await approve(mission.id, operator)).json()) as MissionBody;
    expect(again).toEqual({ ...body, changed: false });
    expect(await moved(mission.id)).toEqual(events);
  });

  it('a rejection answers with the mission read after its write', async () => {
    const { mission, operator } = await propose();
    const response = await call(`/api/missions/${mission.id}/reject`, {
      method: 'POST',
      cookie: operator,
      json: { reason: 'no' },
    });
    expect(await response.json()).toMatchObject({
      status: 'REJECTED',
      decisionReason: 'no',
      changed: true,
      tasks: [],
      spent: { usd: 0, tokens: 0, unknownCost: 0 },
    });
  });

  it('two dispatches at once move each task once, with one event and one outbox entry', async () => {
    await hire({ slug: 'aw-race' });
    const admin = await signInAs('admin@test.hq');
    await call('/api/settings', { method: 'PATCH', cookie: admin, json: { workerSwitch: false } });
    const { mission, operator } = await propose();
    await approve(mission.id, operator);
    await call('/api/settings', { method: 'PATCH', cookie: admin, json: { workerSwitch: true } });
    const now = Date.now();
    const counts = await Promise.all([dispatch(env, now), dispatch(env, now)]);
    expect(counts[0] + counts[1]).toBe(2);
    const assigned = await env.DB.prepare(
      `SELECT count(*) AS n FROM task_events WHERE to_status = 'ASSIGNED'
       AND task_id IN (SELECT id FROM tasks WHERE mission_id = ?)`,
    )
      .bind(mission.id)
      .first<{ n: number }>();
    expect(assigned?.n).toBe(2);
    const outbox = (await moved(mission.id)).filter((e) => e.payload.includes('"to":"ASSIGNED"'));
    expect(outbox).toHaveLength(2);
  });
});
