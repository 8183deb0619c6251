import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../worker/tasks/dispatch';
import { call, signInAs } from '../support/client';
import { approve, hire, type MissionBody, propose } from './support';

const statuses = async (missionId: string) =>
  (
    await env.DB.prepare('SELECT status FROM tasks WHERE mission_id = ? ORDER BY created_at')
      .bind(missionId)
      .all<{ status: string }>()
  ).results.map((r) => r.status);

describe('dispatch rules', () => {
  it('assigns nothing while the global worker switch is off, then dispatches when it is back on', async () => {
    await hire({ slug: 'd-ready' });
    const admin = await signInAs('admin@test.hq');
    await call('/api/settings', { method: 'PATCH', cookie: admin, json: { workerSwitch: false } });
    const { mission, operator } = await propose();
    const body = (await (await approve(mission.id, operator)).json()) as MissionBody;
    expect(body.tasks.map((t) => t.status)).toEqual(['PENDING', 'PENDING']);
    await call('/api/settings', { method: 'PATCH', cookie: admin, json: { workerSwitch: true } });
    expect(await dispatch(env)).toBe(2);
    expect(await statuses(mission.id)).toEqual(['ASSIGNED', 'ASSIGNED']);
  });

  it('skips agents that are disabled, cooling down or over budget', async () => {
    await env.DB.prepare('UPDATE agents SET worker_enabled = 0').run();
    await hire({ slug: 'd-off' }, { slug: 'd-cool' }, { slug: 'd-broke', monthlyBudgetUsd: 5 });
    const now = Date.now();
    await env.DB.batch([
      env.DB.prepare("UPDATE agents SET worker_enabled = 0 WHERE slug = 'd-off'"),
      env.DB.prepare("UPDATE agents SET cooldown_until = ? WHERE slug = 'd-cool'").bind(
        now + 60_000,
      ),
      env.DB.prepare(
        "INSERT INTO spend_ledger (agent_id, provider, model, purpose, cost_usd, created_at) SELECT id, 'openai', 'm', 'task', 5, ? FROM agents WHERE slug = 'd-broke'",
      ).bind(now),
    ]);
    const { mission, operator } = await propose();
    await approve(mission.id, operator);
    expect(await statuses(mission.id)).toEqual(['PENDING', 'PENDING']);
    // The cooldown ends: that agent takes the work.
    expect(await dispatch(env, now + 120_000)).toBe(2);
    const owners = await env.DB.prepare(
      'SELECT DISTINCT a.slug FROM tasks t JOIN agents a ON a.id = t.agent_id WHERE t.mission_id = ?',
    )
      .bind(mission.id)
      .all<{ slug: string }>();
    expect(owners.results).toEqual([{ slug: 'd-cool' }]);
  });
});
