import { abortAllDurableObjects } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import type { CeoState } from '../../../durable-objects/ceo/state';
import { hire, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import { deliver, linkChat, said, scriptBot, textUpdate, useTelegram } from '../telegram/support';
import {
  ceo,
  emit,
  emitRevision,
  listNotifications,
  modelRequests,
  noModel,
  script,
  useModels,
} from './support';

const queued = { ok: true, queued: true };

/**
 * Delivers an update to the webhook. The test's request waits for the poke that follows the
 * write (its execution context), so this resolves only once the CEO is done or gone.
 */
const accept = async (update: Update) => (await deliver(update)).json();

async function patchAgent(slug: string, patch: Record<string, unknown>) {
  const admin = await signInAs('admin@test.hq');
  const response = await call(`/api/agents/${slug}`, {
    method: 'PATCH',
    cookie: admin,
    json: { ...patch, reason: 'test' },
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** What was said in the Telegram conversation turn `key` (the message, then the answer). */
async function telegramMessages(key: string) {
  const { results } = await env.DB.prepare(
    `SELECT content FROM conversation_messages WHERE source_key IN (?1, ?1 || ':reply') ORDER BY id`,
  )
    .bind(key)
    .all<{ content: string }>();
  return results.map((r) => r.content);
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
    await useTelegram();
    await useModels({ voice: 'voice-restart', chat: 'chat-restart-behind' });
    const chat = await linkChat('operator@test.hq');
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

    // Two Telegram messages queue up behind the event being processed.
    const behind = [textUpdate(chat, 'first'), textUpdate(chat, 'second')];
    const delivering = behind.map(accept);
    await expect.poll(async () => (await ceo().state()).queueDepth, { timeout: 2_000 }).toBe(3);
    await abortAllDurableObjects();
    expect((await proposing).status).toBe(201);
    for (const response of await Promise.all(delivering)) expect(response).toEqual(queued);

    await ceo().poke();
    await ceo().poke();
    const sent = (await listNotifications('eventType=mission.proposed')).filter((n) =>
      n.rawText?.includes('Restart mission'),
    );
    expect(sent).toHaveLength(1);
    // The voice rewords the first line; the plan below it goes as it is.
    expect(sent[0]).toMatchObject({ status: 'sent', voice: 'persona' });
    expect(sent[0]?.text).toMatch(
      /^Voiced once\.\n\n1\. Backend part \[src\/\*\*\]\n2\. Docs part/,
    );
    expect(await telegramMessages(`tg-${behind[0]?.update_id}`)).toEqual([
      'first',
      '[chat-restart-behind] first',
    ]);
    expect(await said(chat)).toEqual(
      expect.arrayContaining(['[chat-restart-behind] first', '[chat-restart-behind] second']),
    );
    expect((await ceo().state()).queueDepth).toBe(0);
    // A late duplicate of a processed update (Telegram retries) is ignored.
    expect(await (await deliver(behind[0])).json()).toEqual({ ok: true, queued: false });
    expect((await modelRequests('chat-restart-behind')).length).toBe(2);
  });

  it('sends a Telegram reply once, and asks the model once, when the object restarts while sending it', async () => {
    await useTelegram();
    await useModels({ chat: 'chat-restart-reply' });
    await script('chat-restart-reply', [{ text: 'Answered once.' }]);
    const chat = await linkChat('operator@test.hq');
    const replies = async () =>
      (await said(chat)).filter((text) => text === 'Answered once.').length;
    // The reply's sendMessage is slow: the object is aborted while Telegram holds it.
    await scriptBot({ method: 'sendMessage', chatId: String(chat), times: 1, delayMs: 3_000 });
    const question = textUpdate(chat, 'how are we doing?');
    const next = textUpdate(chat, '/start');
    const asking = accept(question);
    await expect.poll(replies, { timeout: 2_500 }).toBe(1);
    const delivering = accept(next);
    await expect.poll(async () => (await ceo().state()).queueDepth, { timeout: 2_000 }).toBe(2);
    await abortAllDurableObjects();
    expect(await asking).toEqual(queued);
    expect(await delivering).toEqual(queued);
    expect((await ceo().state()).queueDepth).toBe(2);

    await ceo().poke();
    expect(await replies()).toBe(1);
    expect((await modelRequests('chat-restart-reply')).length).toBe(1);
    expect(await telegramMessages(`tg-${question.update_id}`)).toEqual([
      'how are we doing?',
      'Answered once.',
    ]);
    // The update behind it was not lost.
    expect((await said(chat)).at(-1)).toContain('This chat is linked to operator@test.hq');
    expect(await ceo().state()).toMatchObject({ queueDepth: 0, deadLetters: [] });
  });

  it('sets aside an item that fails three times, shows it in the state, and goes on', async () => {
    // An event of a kind this version does not know fails in the CEO's hands every time.
    const bad = await emit('unknown.kind', 'agent', 'dl-agent', {});
    const after = await emitRevision('dl-after');
    const failing = () =>
      ceo()
        .poke()
        .catch((error: unknown) => error);
    expect(await failing()).toBeInstanceOf(Error);
    expect(await failing()).toBeInstanceOf(Error);
    expect((await ceo().state()).queueDepth).toBe(2);
    await ceo().poke();

    const operator = await signInAs('operator@test.hq');
    const response = await call('/api/ceo/state', { cookie: operator });
    const state = (await response.json()) as CeoState;
    expect(state.queueDepth).toBe(0);
    expect(state.deadLetters).toEqual([
      { key: bad, kind: 'event', attempts: 3, error: expect.any(String), at: expect.any(String) },
    ]);
    expect(state.digest.members.map((m) => m.id)).toContain(after);
    // Set aside for good: the next pass does not try it again.
    await ceo().poke();
    expect((await ceo().state()).deadLetters).toHaveLength(1);
  });
});
