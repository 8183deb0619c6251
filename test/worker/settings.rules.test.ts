import { describe, expect, it } from 'vitest';
import { DEFAULT_TIER_RULES } from '../../worker/notifications/catalog';
import { call, errorOf, signInAs } from './support/client';

type Rules = Record<string, { tier: string; lowSignal: boolean }>;

async function patchRules(cookie: string, rules: Record<string, unknown>) {
  return call('/api/settings', { method: 'PATCH', cookie, json: { notificationRules: rules } });
}

describe('the notification rules table in settings', () => {
  it('changes only the kinds a patch names; the others keep their rules', async () => {
    const admin = await signInAs('admin@test.hq');
    const first = await patchRules(admin, { 'task.done': { tier: 'SILENT', lowSignal: true } });
    expect(first.status, await first.clone().text()).toBe(200);
    const second = await patchRules(admin, {
      'agent.revised': { tier: 'IMMEDIATE', lowSignal: false },
    });
    const rules = ((await second.json()) as { settings: { notificationRules: Rules } }).settings
      .notificationRules;
    expect(rules['task.done']).toEqual({ tier: 'SILENT', lowSignal: true });
    expect(rules['agent.revised']).toEqual({ tier: 'IMMEDIATE', lowSignal: false });
    expect(rules['task.failed']).toEqual(DEFAULT_TIER_RULES['task.failed']);
  });

  it('refuses an unknown kind or tier, naming the field, and changes nothing', async () => {
    const admin = await signInAs('admin@test.hq');
    const before = await (await call('/api/settings', { cookie: admin })).text();
    for (const [rules, field] of [
      [{ 'task.exploded': { tier: 'SILENT', lowSignal: true } }, 'notificationRules'],
      [{ 'task.done': { tier: 'LOUD', lowSignal: true } }, 'notificationRules.task.done.tier'],
    ] as const) {
      const response = await patchRules(admin, rules);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).fields?.map((f) => f.field).join(' ')).toContain(field);
    }
    expect(await (await call('/api/settings', { cookie: admin })).text()).toBe(before);
  });
});
