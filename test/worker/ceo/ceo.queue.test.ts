import { abortAllDurableObjects } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hire, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import { ceo, listNotifications, modelRequests, noModel, script, useModels } from './support';

async function patchAgent(slug: string, patch: Record<string, unknown>) {
  const admin = await signInAs('admin@test.hq');
  const response = await call(`/api/agents/${slug}`, {
    method: 'PATCH',
    cookie: admin,
    json: { ...patch, reason: 'test' },
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function messagesOf(email: string) {
  const { results } = await env.DB.prepare(
    `SELECT m.content, m.source_key AS sourceKey FROM conversation_messages m
     JOIN conversations c ON c.id = m.conversation_id WHERE c.user_email = ? ORDER BY m.id`,
  )
    .bind(email)
    .all<{ content: string; sourceKey: string }>();
  return results;
}

describe('the CEO queue', () => {
  it('takes every domain event after a write, in order, and sorts it by tier', async () => {
    await noModel();
    await hire({ slug: 'q-ann' }, { slug: 'q-bob' });
    await patchAgent('q-ann', { model: 'model-2' });
    const { mission } = await propose(plan({ title: 'Queue order mission' }));

    const state = await ceo().state();
    expect(state.queueDepth).toBe(0);
    const buffered = state.digest.members.map((m) => m.text);
    const mine = buffered.filter((text) => /q-ann|q-bob/.test(text));
    expect(mine).toEqual([
      expect.stringContaining('q-ann (q-ann) joined'),
      expect.stringContaining('q-bob (q-bob) joined'),
      expect.stringContaining('q-ann (q-ann) changed (model)'),
    ]);
    const [proposed] = await listNotifications(`eventType=mission.proposed`);
    expect(proposed).toMatchObject({
      entityId: mission.id,
      tier: 'IMMEDIATE',
      status: 'sent',
      voice: 'raw:no_model',
    });
    expect(proposed?.text).toContain('Queue order mission');
  });

  it('loses nothing and repeats nothing when the object restarts mid-queue', async () => {
    await useModels({ voice: 'voice-restart' });
    // The first voice call hangs long enough to abort the object in the middle of it.
    await script('voice-restart', [
      { text: 'never delivered', delayMs: 4_000 },
      { text: 'Voiced once.' },
    ]);
    const operator = await signInAs('operator@test.hq');
    const proposing = call('/api/missions', {
      method: 'POST',
      cookie: operator,
      json: plan({ title: 'Restart mission' }),
    });
    await expect
      .poll(async () => (await modelRequests('voice-restart')).length, { timeout: 3_000 })
      .toBe(1);

    // Two operator messages queue up behind the event being processed.
    const message = (key: string, text: string) => ({
      key,
      channel: 'web' as const,
      userEmail: 'restart@test.hq',
      text,
      at: Date.now(),
    });
    const behind = [
      ceo()
        .receive(message('r-1', 'first'))
        .catch(() => null),
      ceo()
        .receive(message('r-2', 'second'))
        .catch(() => null),
    ];
    await new Promise((resolve) => setTimeout(resolve, 200));
    await abortAllDurableObjects();
    await Promise.all(behind);
    expect((await proposing).status).toBe(201);

    await ceo().tick();
    await ceo().tick();
    const sent = (await listNotifications('eventType=mission.proposed')).filter((n) =>
      n.rawText?.includes('Restart mission'),
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ status: 'sent', text: 'Voiced once.', voice: 'persona' });
    expect(await messagesOf('restart@test.hq')).toEqual([
      { content: 'first', sourceKey: 'r-1' },
      { content: 'second', sourceKey: 'r-2' },
    ]);
    expect((await ceo().state()).queueDepth).toBe(0);
    // A late duplicate of a processed message is ignored.
    expect(await ceo().receive(message('r-1', 'first again'))).toEqual({ queued: false });
    expect(await messagesOf('restart@test.hq')).toHaveLength(2);
  });
});
