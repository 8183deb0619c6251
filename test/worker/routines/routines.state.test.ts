import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, signInAs } from '../support/client';
import { missionRoutine, type RoutineBody, send } from './support';

const patch = (id: string, cookie: string, json: Record<string, unknown>) =>
  call(`/api/routines/${id}`, { method: 'PATCH', cookie, json });

describe('routines: who may write, pause, resume, archive', () => {
  it('refuses every write to a viewer, and lets the viewer read', async () => {
    const { routine } = await missionRoutine('Viewer-proof');
    const viewer = await signInAs('viewer@test.hq');
    const writes: [string, string][] = [
      ['POST', '/api/routines'],
      ['PATCH', `/api/routines/${routine.id}`],
      ['POST', `/api/routines/${routine.id}/pause`],
      ['POST', `/api/routines/${routine.id}/resume`],
      ['DELETE', `/api/routines/${routine.id}`],
      ['POST', `/api/routines/${routine.id}/webhook`],
      ['DELETE', `/api/routines/${routine.id}/webhook`],
      ['POST', `/api/routines/${routine.id}/fire`],
      ['POST', `/api/routines/${routine.id}/revisions/0/rollback`],
    ];
    for (const [method, path] of writes) {
      const response = await call(path, { method, cookie: viewer, json: { reason: 'x' } });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    for (const path of ['', '/fires', '/revisions'].map((p) => `/api/routines/${routine.id}${p}`)) {
      expect((await call(path, { cookie: viewer })).status, path).toBe(200);
    }
  });

  it('pauses and resumes: no next run while paused, the clock restarts from the resume', async () => {
    const { routine, cookie } = await missionRoutine('Pausable', { cron: '*/5 * * * *' });
    expect(routine.nextRunAt).not.toBeNull();
    const paused = (await (
      await send(`/api/routines/${routine.id}/pause`, cookie)
    ).json()) as RoutineBody;
    expect(paused).toMatchObject({ paused: true, pausedBy: 'operator@test.hq', nextRunAt: null });
    const again = await send(`/api/routines/${routine.id}/pause`, cookie);
    expect(((await again.json()) as RoutineBody).paused).toBe(true);
    const resumedAt = Date.now();
    const resumed = (await (
      await send(`/api/routines/${routine.id}/resume`, cookie)
    ).json()) as RoutineBody;
    expect(resumed).toMatchObject({ paused: false, pausedBy: null });
    expect(Date.parse(resumed.nextRunAt ?? '')).toBeGreaterThan(resumedAt);
    const row = await env.DB.prepare('SELECT cron_cursor FROM routines WHERE id = ?')
      .bind(routine.id)
      .first<{ cron_cursor: number }>();
    expect(row?.cron_cursor).toBeGreaterThanOrEqual(resumedAt - 60_000);
    const audit = await env.DB.prepare(
      "SELECT action FROM audit_log WHERE entity_type = 'routine' AND entity_id = ? ORDER BY id",
    )
      .bind(routine.id)
      .all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual([
      'routine.create',
      'routine.pause',
      'routine.resume',
    ]);
  });

  it('archives: gone from the list, refuses writes, still readable', async () => {
    const { routine, cookie } = await missionRoutine('Archivable');
    const archived = await call(`/api/routines/${routine.id}`, { method: 'DELETE', cookie });
    expect(archived.status).toBe(200);
    expect(((await archived.json()) as RoutineBody).archivedAt).not.toBeNull();
    const list = (await (await call('/api/routines', { cookie })).json()) as {
      items: RoutineBody[];
    };
    expect(list.items.map((r) => r.id)).not.toContain(routine.id);
    const edit = await patch(routine.id, cookie, { name: 'Back' });
    expect(edit.status).toBe(409);
    expect((await send(`/api/routines/${routine.id}/fire`, cookie)).status).toBe(409);
    expect((await call(`/api/routines/${routine.id}`, { cookie })).status).toBe(200);
  });
});
