import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hire } from '../missions/support';
import { call } from '../support/client';
import { createToken, withToken } from '../tokens/support';
import {
  type FireBody,
  missionRoutine,
  missionsTitled,
  type RoutineBody,
  send,
  template,
} from './support';

const fire = (id: string, cookie: string, key?: string) =>
  send(`/api/routines/${id}/fire`, cookie, {
    json: undefined,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });

describe('routines: fire through the API', () => {
  it('fires once per Idempotency-Key: the same key twice makes one mission', async () => {
    const { routine, cookie } = await missionRoutine('Keyed fire', { concurrency: 'always' });
    const first = await fire(routine.id, cookie, 'deploy-42');
    expect(first.status, await first.clone().text()).toBe(201);
    const fired = (await first.json()) as FireBody;
    expect(fired).toMatchObject({
      trigger: 'api',
      status: 'proposed',
      actor: 'operator@test.hq',
      mission: { title: 'Keyed fire', status: 'PROPOSED' },
    });
    const again = await fire(routine.id, cookie, 'deploy-42');
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: fired.id, duplicate: true });
    expect(await missionsTitled('Keyed fire')).toBe(1);
    const audited = await env.DB.prepare(
      "SELECT actor, summary FROM audit_log WHERE entity_id = ? AND action = 'routine.fire'",
    )
      .bind(routine.id)
      .all<{ actor: string; summary: string }>();
    expect(audited.results.map((r) => [r.actor, JSON.parse(r.summary).fireId])).toEqual([
      ['operator@test.hq', fired.id],
    ]);

    const other = await fire(routine.id, cookie);
    expect(other.status).toBe(201);
    expect(await missionsTitled('Keyed fire')).toBe(2);
    const bad = await fire(routine.id, cookie, 'has spaces in it');
    expect(bad.status).toBe(400);

    const history = (await (
      await call(`/api/routines/${routine.id}/fires?limit=1`, { cookie })
    ).json()) as {
      items: FireBody[];
      nextCursor: string | null;
    };
    expect(history.items).toHaveLength(1);
    expect(history.nextCursor).not.toBeNull();
    const rest = (await (
      await call(`/api/routines/${routine.id}/fires?cursor=${history.nextCursor}`, { cookie })
    ).json()) as { items: FireBody[]; nextCursor: string | null };
    expect(rest.nextCursor).toBeNull();
    expect([...history.items, ...rest.items].map((f) => f.id)).toContain(fired.id);
    expect(new Set([...history.items, ...rest.items].map((f) => f.id)).size).toBe(2);
    const shown = (await (
      await call(`/api/routines/${routine.id}`, { cookie })
    ).json()) as RoutineBody;
    expect(shown.lastFire?.id).toBe(history.items[0]?.id);
  });

  it('fires a pre-approved routine into an APPROVED mission with its tasks, audited', async () => {
    await hire({ slug: 'fire-backend' });
    const { routine, cookie } = await missionRoutine('Pre-approved fire', {
      preApproved: true,
      template: template({ title: 'Pre-approved fire' }),
    });
    const response = await fire(routine.id, cookie, 'once');
    expect(response.status, await response.clone().text()).toBe(201);
    const fired = (await response.json()) as FireBody;
    expect(fired).toMatchObject({ status: 'approved', mission: { status: 'APPROVED' } });
    const tasks = await env.DB.prepare('SELECT count(*) AS n FROM tasks WHERE mission_id = ?')
      .bind(fired.mission?.id)
      .first<{ n: number }>();
    expect(tasks?.n).toBe(2);
    const decided = await env.DB.prepare('SELECT decided_by FROM missions WHERE id = ?')
      .bind(fired.mission?.id)
      .first<{ decided_by: string }>();
    expect(decided?.decided_by).toBe(`routine:${routine.id}`);
    const audit = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action LIKE 'mission.%'",
    )
      .bind(fired.mission?.id)
      .first<{ n: number }>();
    expect(audit?.n).toBeGreaterThanOrEqual(2);
  });

  it('lets an operator API token fire, and skips while the last mission is open', async () => {
    const { routine } = await missionRoutine('Token fire');
    const token = await createToken('routine-ci', 'operator');
    const first = await withToken(token.token, `/api/routines/${routine.id}/fire`, {
      method: 'POST',
      headers: { 'idempotency-key': 'ci-1' },
    });
    expect(first.status, await first.clone().text()).toBe(201);
    expect(await first.json()).toMatchObject({ status: 'proposed', actor: 'token:routine-ci' });
    const second = await withToken(token.token, `/api/routines/${routine.id}/fire`, {
      method: 'POST',
      headers: { 'idempotency-key': 'ci-2' },
    });
    expect(second.status).toBe(201);
    expect(await second.json()).toMatchObject({ status: 'skipped', mission: null });
    expect(await missionsTitled('Token fire')).toBe(1);
  });
});
