import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIER_RULES, SUPPRESSION_REASONS } from '../../../worker/notifications/catalog';
import { plan, propose } from '../missions/support';
import { call, errorOf, signInAs } from '../support/client';
import { allNotifications, ceo, fakeClock, MINUTE, noModel, patchSettings } from './support';
import { approvedTasks, hire } from './work';

let clock: ReturnType<typeof fakeClock>;

async function agentId(slug: string): Promise<string> {
  const admin = await signInAs('admin@test.hq');
  const response = await call(`/api/agents/${slug}`, { cookie: admin });
  return ((await response.json()) as { id: string }).id;
}

const rulesInForce = async () => {
  const admin = await signInAs('admin@test.hq');
  const response = await call('/api/settings', { cookie: admin });
  return ((await response.json()) as { settings: { notificationRules: typeof DEFAULT_TIER_RULES } })
    .settings.notificationRules;
};

/** Notifications about one entity, through the API (every page). */
const about = async (entityId: string) =>
  (await allNotifications()).filter((n) => n.entityId === entityId);

beforeAll(async () => {
  clock = fakeClock('2031-03-03T10:00:00Z');
  await noModel();
});
afterAll(() => vi.useRealTimers());

describe('notification tiers', () => {
  it('by default: a proposed mission is sent now, a new agent waits for the digest, a queued task is silent', async () => {
    await hire({ slug: 'tier-ann' });
    const { mission } = await propose(plan({ title: 'Tiers mission' }));
    const [queued] = await approvedTasks('Tiers queued task');
    await ceo().poke();

    expect(await about(mission.id)).toContainEqual(
      expect.objectContaining({
        eventType: 'mission.proposed',
        tier: 'IMMEDIATE',
        status: 'sent',
        reason: null,
        channel: 'web',
        sentAt: new Date(clock.now()).toISOString(),
      }),
    );
    const ann = await agentId('tier-ann');
    expect(await about(ann)).toEqual([
      expect.objectContaining({
        eventType: 'agent.revised',
        tier: 'DIGEST',
        status: 'pending',
        reason: 'buffered',
        sentAt: null,
      }),
    ]);
    const [revision] = await about(ann);
    expect((await ceo().state()).digest.members.map((m) => m.id)).toContain(revision?.id);
    expect((await about(queued ?? '')).find((n) => n.eventType === 'task.queued')).toMatchObject({
      tier: 'SILENT',
      status: 'suppressed',
      reason: 'silent_tier',
      explanation: SUPPRESSION_REASONS.silent_tier,
      channel: null,
      sentAt: null,
    });
  });

  it('follows the rules table an admin edits in settings: one kind named, the others keep their defaults', async () => {
    clock.advance(MINUTE);
    await patchSettings({
      notificationRules: {
        'task.queued': { tier: 'IMMEDIATE', lowSignal: false },
        'agent.revised': { tier: 'SILENT', lowSignal: true },
      },
    });
    const rules = await rulesInForce();
    expect(rules['task.queued']).toEqual({ tier: 'IMMEDIATE', lowSignal: false });
    expect(rules['mission.proposed']).toEqual(DEFAULT_TIER_RULES['mission.proposed']);
    expect(rules['task.done']).toEqual(DEFAULT_TIER_RULES['task.done']);

    const [queued] = await approvedTasks('Tiers loud task');
    await hire({ slug: 'tier-bob' });
    await ceo().poke();
    expect((await about(queued ?? '')).find((n) => n.eventType === 'task.queued')).toMatchObject({
      tier: 'IMMEDIATE',
      status: 'sent',
    });
    expect(await about(await agentId('tier-bob'))).toEqual([
      expect.objectContaining({ tier: 'SILENT', status: 'suppressed', reason: 'silent_tier' }),
    ]);

    // Back to DIGEST: the next event follows the rule in force when it is processed.
    await patchSettings({
      notificationRules: { 'agent.revised': { tier: 'DIGEST', lowSignal: true } },
    });
    // Naming one kind changes only that kind: task.queued keeps its edited rule.
    expect((await rulesInForce())['task.queued']).toEqual({ tier: 'IMMEDIATE', lowSignal: false });
    await hire({ slug: 'tier-cy' });
    await ceo().poke();
    expect(await about(await agentId('tier-cy'))).toEqual([
      expect.objectContaining({ tier: 'DIGEST', status: 'pending' }),
    ]);
  });

  it.each([
    [{ 'task.done': { tier: 'LOUD', lowSignal: true } }, 'notificationRules.task.done.tier'],
    [{ 'task.done': { tier: 'SILENT' } }, 'notificationRules.task.done.lowSignal'],
    [{ 'task.exploded': { tier: 'SILENT', lowSignal: true } }, 'notificationRules.task.exploded'],
  ])('refuses a bad rule with a 400 naming the field (%o)', async (rules, field) => {
    const admin = await signInAs('admin@test.hq');
    const before = await rulesInForce();
    const response = await call('/api/settings', {
      method: 'PATCH',
      cookie: admin,
      json: { notificationRules: rules },
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields?.map((f) => f.field)).toContain(field);
    expect(await rulesInForce()).toEqual(before);
  });

  it('lets only admins edit the rules table', async () => {
    const operator = await signInAs('operator@test.hq');
    const response = await call('/api/settings', {
      method: 'PATCH',
      cookie: operator,
      json: { notificationRules: { 'task.done': { tier: 'SILENT', lowSignal: true } } },
    });
    expect(response.status).toBe(403);
    expect((await rulesInForce())['task.done']).toEqual(DEFAULT_TIER_RULES['task.done']);
  });
});
