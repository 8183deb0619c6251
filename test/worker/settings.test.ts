import { describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from './support/client';

interface SettingsBody {
  settings: {
    workerSwitch: boolean;
    briefing: { time: string; timeZone: string };
    thresholds: Record<string, number>;
    defaultModels: Record<string, string>;
  };
  providers: { provider: string; configured: boolean; missing: string[] }[];
}

describe('settings', () => {
  it('shows the defaults and which providers have credentials, never their values', async () => {
    const admin = await signInAs('admin@test.hq');
    const response = await call('/api/settings', {
      cookie: admin,
      env: { OPENAI_API_KEY: 'sk-PLANTED-provider-key' },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain('PLANTED');
    const body = JSON.parse(text) as SettingsBody;
    expect(body.settings).toMatchObject({
      workerSwitch: true,
      briefing: { time: '07:30', timeZone: 'UTC' },
    });
    expect(body.settings.thresholds.stalenessHours).toBe(40);
    expect(body.providers.find((p) => p.provider === 'openai')).toMatchObject({
      configured: true,
      missing: [],
    });
    expect(body.providers.find((p) => p.provider === 'anthropic')).toMatchObject({
      configured: false,
      missing: ['ANTHROPIC_API_KEY'],
    });
  });

  it('changes settings, audits each change, and skips unchanged ones', async () => {
    const admin = await signInAs('admin@test.hq');
    const response = await call('/api/settings', {
      method: 'PATCH',
      cookie: admin,
      json: {
        workerSwitch: false,
        briefing: { time: '06:45', timeZone: 'Europe/Paris' },
        defaultModels: undefined,
      },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as SettingsBody;
    expect(body.settings.workerSwitch).toBe(false);
    expect(body.settings.briefing).toEqual({ time: '06:45', timeZone: 'Europe/Paris' });
    const again = await call('/api/settings', {
      method: 'PATCH',
      cookie: admin,
      json: { workerSwitch: false },
    });
    expect(again.status).toBe(200);
    const audit = (await (
      await call('/api/audit?action=settings.update', { cookie: admin })
    ).json()) as {
      items: { entityId: string; summary: { from: unknown; to: unknown } }[];
    };
    expect(audit.items.map((i) => i.entityId).sort()).toEqual(['briefing', 'workerSwitch']);
    expect(audit.items.find((i) => i.entityId === 'workerSwitch')?.summary).toEqual({
      from: true,
      to: false,
    });
  });

  it.each([
    [{ briefing: { time: '7:30', timeZone: 'UTC' } }, 'briefing.time'],
    [{ briefing: { time: '07:30', timeZone: 'Mars/Olympus' } }, 'briefing.timeZone'],
    [{ thresholds: { stalenessHours: 12 } }, 'thresholds.dispatchDriftMinutes'],
    [{ workerSwitch: 'off' }, 'workerSwitch'],
    [{ colour: 'blue' }, 'colour'],
  ])('refuses %j naming %s, and changes nothing', async (body, field) => {
    const admin = await signInAs('admin@test.hq');
    const before = await (await call('/api/settings', { cookie: admin })).json();
    const response = await call('/api/settings', { method: 'PATCH', cookie: admin, json: body });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields?.map((f) => f.field)).toContain(field);
    // Storage is shared within a file, so compare with what was there just before.
    expect(await (await call('/api/settings', { cookie: admin })).json()).toEqual(before);
  });

  it('is admin only: viewers and operators get 403', async () => {
    for (const email of ['viewer@test.hq', 'operator@test.hq']) {
      const cookie = await signInAs(email);
      expect((await call('/api/settings', { cookie })).status).toBe(403);
      const write = await call('/api/settings', {
        method: 'PATCH',
        cookie,
        json: { workerSwitch: false },
      });
      expect(write.status).toBe(403);
    }
  });
});
