import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { approve, hire, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import { type ClaimBody, cancelOpenTasks, registerRunner, runnerCall, success } from './support';

const fiveTasks = plan({
  tasks: Array.from({ length: 5 }, (_, i) => ({
    title: `t${i}`,
    spec: 's',
    expectedScope: ['**'],
  })),
});

describe('runner API: tokens, atomic claims, ownership', () => {
  it('stores only a hash of the token, and a revoked token stops working at once', async () => {
    const { id, token, admin } = await registerRunner('hashed');
    const rows = JSON.stringify((await env.DB.prepare('SELECT * FROM runners').all()).results);
    expect(rows).not.toContain(token);
    expect((await runnerCall(token, '/api/runner/verdicts')).status).toBe(200);
    await call(`/api/runners/${id}`, { method: 'DELETE', cookie: admin });
    expect((await runnerCall(token, '/api/runner/verdicts')).status).toBe(401);
    expect((await runnerCall('hqr_forged', '/api/runner/verdicts')).status).toBe(401);
    expect((await call('/api/runner/verdicts', { method: 'POST' })).status).toBe(401);
  });

  it('lets only admins register runners', async () => {
    for (const email of ['viewer@test.hq', 'operator@test.hq']) {
      const cookie = await signInAs(email);
      expect(
        (await call('/api/runners', { method: 'POST', cookie, json: { name: 'x' } })).status,
      ).toBe(403);
    }
  });

  it('20 concurrent claimers never receive the same task', async () => {
    const { token } = await registerRunner('crowd');
    await hire({ slug: 'crowd-a' }, { slug: 'crowd-b' });
    const { mission, operator } = await propose(fiveTasks);
    await approve(mission.id, operator);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } }),
      ),
    );
    const claimed = await Promise.all(
      responses.filter((r) => r.status === 200).map((r) => r.json() as Promise<ClaimBody>),
    );
    expect(responses.filter((r) => r.status === 204)).toHaveLength(15);
    const ids = claimed.map((c) => c.task.id);
    expect(new Set(ids).size).toBe(5);
    const events = await env.DB.prepare(
      "SELECT count(*) AS n FROM task_events WHERE to_status = 'RUNNING'",
    ).first<{ n: number }>();
    expect(events?.n).toBe(5);
  });

  it('refuses heartbeats and reports for a task held by another runner', async () => {
    const one = await registerRunner('one');
    const two = await registerRunner('two');
    await hire({ slug: 'owner-agent' });
    const { mission, operator } = await propose(
      plan({ tasks: [{ title: 't', spec: 's', expectedScope: ['**'] }] }),
    );
    await approve(mission.id, operator);
    const { task } = (await (
      await runnerCall(one.token, '/api/runner/claim', { json: { waitSeconds: 0 } })
    ).json()) as ClaimBody;
    expect(
      (await runnerCall(two.token, `/api/runner/tasks/${task.id}/heartbeat`, { json: {} })).status,
    ).toBe(409);
    expect(
      (await runnerCall(two.token, `/api/runner/tasks/${task.id}/report`, { json: success(['a']) }))
        .status,
    ).toBe(409);
  });

  it('long-polls: a claim waiting for work gets the task approved while it waits', async () => {
    const { token } = await registerRunner('patient');
    await hire({ slug: 'poll-agent' });
    const { mission, operator } = await propose(
      plan({ tasks: [{ title: 't', spec: 's', expectedScope: ['**'] }] }),
    );
    const waiting = runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 5 } });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await approve(mission.id, operator);
    const response = await waiting;
    expect(response.status).toBe(200);
    expect(((await response.json()) as ClaimBody).task.status).toBe('RUNNING');
  });

  it('a runner revoked while its claim waits is handed nothing', async () => {
    const { token, id, admin } = await registerRunner('revoked-waiting');
    await hire({ slug: 'revoked-poll-agent' });
    const { mission, operator } = await propose(
      plan({ tasks: [{ title: 't', spec: 's', expectedScope: ['**'] }] }),
    );
    const waiting = runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await call(`/api/runners/${id}`, { method: 'DELETE', cookie: admin });
    await approve(mission.id, operator);
    expect((await waiting).status).toBe(204);
    await cancelOpenTasks();
  });

  it('three failures in a row put the agent in cooldown', async () => {
    const { token } = await registerRunner('failing');
    await env.DB.prepare('UPDATE agents SET worker_enabled = 0').run();
    await hire({ slug: 'clumsy' });
    for (let i = 0; i < 3; i++) {
      const { mission, operator } = await propose(
        plan({ tasks: [{ title: `t${i}`, spec: 's', expectedScope: ['**'] }] }),
      );
      await approve(mission.id, operator);
      const { task } = (await (
        await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } })
      ).json()) as ClaimBody;
      const failed = await runnerCall(token, `/api/runner/tasks/${task.id}/report`, {
        json: success([], { outcome: 'failure', error: 'tests failed' }),
      });
      expect(await failed.json()).toMatchObject({ status: 'FAILED' });
    }
    const agent = await env.DB.prepare(
      "SELECT cooldown_until FROM agents WHERE slug = 'clumsy'",
    ).first<{ cooldown_until: number | null }>();
    expect(agent?.cooldown_until).toBeGreaterThan(Date.now() + 25 * 60_000);
    const published = await env.DB.prepare(
      "SELECT payload FROM domain_events WHERE type = 'agent.cooldown'",
    ).all<{ payload: string }>();
    expect(published.results.map((r) => JSON.parse(r.payload).until)).toEqual([
      new Date(agent?.cooldown_until ?? 0).toISOString(),
    ]);
    const { mission, operator } = await propose(
      plan({ tasks: [{ title: 'next', spec: 's', expectedScope: ['**'] }] }),
    );
    const body = (await (await approve(mission.id, operator)).json()) as {
      tasks: { status: string }[];
    };
    expect(body.tasks.map((t) => t.status)).toEqual(['PENDING']);
  });
});
