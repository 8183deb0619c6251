import { describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from '../support/client';
import { deliver, linkChat, newChat, said, send, textUpdate, useTelegram } from './support';

describe('the Telegram webhook', () => {
  it('refuses a wrong or missing secret header with 401, and queues nothing', async () => {
    await useTelegram();
    const chat = newChat();
    for (const secret of [null, '', 'wrong-secret', 'test-webhook-secret-0123456789abcdefx']) {
      const response = await deliver(textUpdate(chat, '/help'), secret);
      expect(response.status).toBe(401);
      expect((await errorOf(response)).message).toMatch(/x-telegram-bot-api-secret-token/i);
    }
    await send(textUpdate(chat, 'hello'));
    // Only the one authentic update was processed: a refusal to this unlinked chat.
    expect(await said(chat)).toHaveLength(1);
  });

  it('fails closed without a configured secret, and is absent without a bot', async () => {
    const update = textUpdate(newChat(), 'hi');
    const noSecret = await call('/telegram/webhook', {
      method: 'POST',
      json: update,
      headers: { 'x-telegram-bot-api-secret-token': '' },
      env: { TELEGRAM_WEBHOOK_SECRET: '' },
    });
    expect(noSecret.status).toBe(503);
    const noBot = await call('/telegram/webhook', {
      method: 'POST',
      json: update,
      env: { TELEGRAM_BOT_TOKEN: '' },
    });
    expect(noBot.status).toBe(404);
  });

  it('refuses every update while the secret is the placeholder or under 32 characters', async () => {
    const cases: [string, string][] = [
      ['generated-on-first-start', 'is still the placeholder "generated-on-first-start"'],
      ['x', 'is 1 characters; it needs 32 or more'],
      ['a'.repeat(31), 'is 31 characters; it needs 32 or more'],
    ];
    for (const [secret, problem] of cases) {
      // The attacker knows the weak secret and sends it: it still opens nothing.
      const response = await call('/telegram/webhook', {
        method: 'POST',
        json: textUpdate(newChat(), '/help'),
        headers: { 'x-telegram-bot-api-secret-token': secret },
        env: { TELEGRAM_WEBHOOK_SECRET: secret },
      });
      expect(response.status).toBe(503);
      expect((await errorOf(response)).message).toBe(
        `TELEGRAM_WEBHOOK_SECRET ${problem}: the webhook refuses every update.`,
      );
    }
  });

  it('answers 400 naming update_id for a body that is not an update', async () => {
    for (const body of [{}, { update_id: 'x' }, { update_id: -1 }]) {
      const response = await deliver(body);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).fields?.[0]?.field).toBe('update_id');
    }
  });

  it('drops an update it has already seen: the same update 20 times is processed once', async () => {
    await useTelegram();
    const chat = await linkChat('operator@test.hq');
    const update = textUpdate(chat, '/status');
    const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(update)));
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { queued: boolean }[];
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(bodies.filter((b) => b.queued)).toHaveLength(1);
    await send(textUpdate(chat, '/help'));
    const replies = await said(chat);
    expect(replies.filter((t) => t.startsWith('Agents:'))).toHaveLength(1);
  });

  it('gives an unlinked chat a polite refusal and nothing else, and a bad code a clear reply', async () => {
    await useTelegram();
    const chat = newChat();
    await send(textUpdate(chat, '/status'));
    await send(textUpdate(chat, '/start NOT-A-CODE'));
    const replies = await said(chat);
    expect(replies[0]).toContain('answers only the operators of a private HQ');
    expect(replies[1]).toContain('not valid or has expired');
    expect(replies).toHaveLength(2);
  });

  it('links with a one-time code: a second chat cannot reuse it', async () => {
    await useTelegram();
    const cookie = await signInAs('viewer@test.hq');
    const response = await call('/api/telegram/link-code', { method: 'POST', cookie });
    const { code, link } = (await response.json()) as { code: string; link: string };
    expect(link).toBe(`https://t.me/hq_test_bot?start=${code}`);
    const first = newChat();
    const second = newChat();
    await send(textUpdate(first, `/start ${code}`));
    await send(textUpdate(second, `/start ${code}`));
    expect((await said(first))[0]).toContain('Linked to viewer@test.hq (viewer)');
    expect((await said(second))[0]).toContain('not valid or has expired');
    const chats = await call('/api/telegram/chats', { cookie });
    const body = (await chats.json()) as { chats: { chatId: string }[] };
    expect(body.chats.map((c) => c.chatId)).toContain(String(first));
  });
});
