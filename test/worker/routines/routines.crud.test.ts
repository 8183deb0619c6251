import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { nextCronRun } from '../../../worker/clock/cron';
import { hire } from '../missions/support';
import { call, errorOf, signInAs } from '../support/client';
import { createRoutine, missionRoutine, operator, type RoutineBody, template } from './support';

const patch = (id: string, cookie: string, json: Record<string, unknown>) =>
  call(`/api/routines/${id}`, { method: 'PATCH', cookie, json });

describe('routines: create, read, edit', () => {
  it('creates a scheduled mission routine read in the briefing time zone, with its next run', async () => {
    const admin = await signInAs('admin@test.hq');
    const settings = await call('/api/settings', {
      method: 'PATCH',
      cookie: admin,
      json: { briefing: { time: '07:30', timeZone: 'Europe/Paris' } },
    });
    expect(settings.status).toBe(200);
    const before = Date.now();
    const { routine, webhookSecret, cookie } = await missionRoutine('Nightly audit', {
      cron: '0 9 * * 1-5',
    });
    expect(routine).toMatchObject({
      name: 'Nightly audit',
      kind: 'mission',
      cron: '0 9 * * 1-5',
      timeZone: 'Europe/Paris',
      repository: 'acme/app',
      targetBranch: 'main',
      preApproved: false,
      paused: false,
      revision: 0,
      agent: null,
      lastFire: null,
      webhook: { url: `http://localhost:8787/api/hooks/routines/${routine.id}` },
    });
    expect(webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    const next = nextCronRun('0 9 * * 1-5', 'Europe/Paris', before);
    expect(routine.nextRunAt).toBe(new Date(next ?? 0).toISOString());

    const viewer = await signInAs('viewer@test.hq');
    const one = (await (await call(`/api/routines/${routine.id}`, { cookie: viewer })).json()) as {
      webhookSecret?: string;
    };
    expect(one).toMatchObject({ id: routine.id, name: 'Nightly audit' });
    expect(JSON.stringify(one)).not.toContain(webhookSecret);
    const list = (await (await call('/api/routines', { cookie })).json()) as {
      items: RoutineBody[];
    };
    expect(list.items.map((r) => r.id)).toContain(routine.id);
    await call('/api/settings', {
      method: 'PATCH',
      cookie: admin,
      json: { briefing: { time: '07:30', timeZone: 'UTC' } },
    });
  });

  it('refuses a bad cron or time zone with a 400 naming the field', async () => {
    const cookie = await operator();
    const bad = async (extra: Record<string, unknown>) => {
      const response = await call('/api/routines', {
        method: 'POST',
        cookie,
        json: { name: 'Bad', kind: 'mission', template: template(), ...extra },
      });
      expect(response.status).toBe(400);
      return (await errorOf(response)).fields ?? [];
    };
    expect(await bad({ cron: '61 * * * *' })).toEqual([
      { field: 'cron', in: 'body', message: expect.stringContaining('minute') },
    ]);
    expect(await bad({ cron: '* * *' })).toEqual([
      { field: 'cron', in: 'body', message: expect.stringContaining('needs 5 fields') },
    ]);
    expect(await bad({ timeZone: 'Mars/Olympus' })).toEqual([
      { field: 'timeZone', in: 'body', message: expect.stringContaining('Mars/Olympus') },
    ]);
    expect(await bad({ template: null })).toEqual([
      { field: 'template', in: 'body', message: 'required for a mission routine' },
    ]);
    expect(await bad({ agent: 'someone' })).toEqual([
      { field: 'agent', in: 'body', message: expect.stringContaining('only for a planning') },
    ]);
    expect(await bad({ extra: 1 })).toEqual([
      { field: 'extra', in: 'body', message: 'unknown field' },
    ]);
    expect(await count()).toBe(0);
  });

  it('takes only an active LEAD or CEO agent for a planning routine', async () => {
    await hire(
      { slug: 'plan-worker' },
      { slug: 'plan-lead', type: 'LEAD', role: 'Tech lead' },
      { slug: 'plan-ceo', role: 'CEO' },
    );
    const cookie = await operator();
    const planning = (agent: string) => ({
      name: `Plan with ${agent}`,
      kind: 'planning',
      agent,
      repository: 'acme/app',
      cron: '@daily',
    });
    const refused = await call('/api/routines', {
      method: 'POST',
      cookie,
      json: planning('plan-worker'),
    });
    expect(refused.status).toBe(400);
    expect((await errorOf(refused)).fields).toEqual([
      { field: 'agent', in: 'body', message: expect.stringContaining('needs a LEAD or CEO') },
    ]);
    const missing = await call('/api/routines', {
      method: 'POST',
      cookie,
      json: planning('nobody'),
    });
    expect((await errorOf(missing)).fields?.[0]).toMatchObject({ field: 'agent' });
    const withTemplate = await call('/api/routines', {
      method: 'POST',
      cookie,
      json: { ...planning('plan-lead'), template: template() },
    });
    expect((await errorOf(withTemplate)).fields?.[0]).toMatchObject({ field: 'template' });

    const lead = await createRoutine(planning('plan-lead'), cookie);
    expect(lead.routine).toMatchObject({
      kind: 'planning',
      agent: { slug: 'plan-lead', name: 'plan-lead' },
      repository: 'acme/app',
      template: null,
      webhook: null,
    });
    expect(lead.webhookSecret).toBeNull();
    const ceo = await createRoutine(planning('plan-ceo'), cookie);
    expect(ceo.routine.agent?.slug).toBe('plan-ceo');
  });

  it('switches kind on edit: what belonged to the old kind is dropped, not kept', async () => {
    await hire({ slug: 'switch-lead', type: 'LEAD', role: 'Lead' });
    const { routine, cookie } = await missionRoutine('Switcher', { webhook: false });
    const toPlanning = await patch(routine.id, cookie, {
      kind: 'planning',
      agent: 'switch-lead',
      repository: 'acme/api',
      targetBranch: 'develop',
    });
    expect(toPlanning.status, await toPlanning.clone().text()).toBe(200);
    expect(await toPlanning.json()).toMatchObject({
      kind: 'planning',
      template: null,
      agent: { slug: 'switch-lead' },
      repository: 'acme/api',
      targetBranch: 'develop',
      revision: 1,
    });
    const noTemplate = await patch(routine.id, cookie, { kind: 'mission' });
    expect(noTemplate.status).toBe(400);
    expect((await errorOf(noTemplate)).fields).toEqual([
      { field: 'template', in: 'body', message: 'required for a mission routine' },
    ]);
    const back = await patch(routine.id, cookie, {
      kind: 'mission',
      template: template({ title: 'Switcher', targetBranch: 'release' }),
      agent: null,
      repository: null,
      targetBranch: 'release',
    });
    expect(back.status, await back.clone().text()).toBe(200);
    expect(await back.json()).toMatchObject({
      kind: 'mission',
      agent: null,
      repository: 'acme/app',
      targetBranch: 'release',
      revision: 2,
    });
  });
});

const count = async () =>
  (
    await env.DB.prepare("SELECT count(*) AS n FROM routines WHERE name = 'Bad'").first<{
      n: number;
    }>()
  )?.n ?? 0;
