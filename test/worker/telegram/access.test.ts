import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeClock, MINUTE, noModel } from '../ceo/support';
import { plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import {
  botCalls,
  callbackUpdate,
  linkChat,
  newChat,
  said,
  send,
  textUpdate,
  useTelegram,
} from './support';

const REFUSAL = 'answers only the operators of a private HQ';
let clock: ReturnType<typeof fakeClock>;

/** Chats that got the proposal of `title` as a notification. */
const told = async (chat: number, title: string) =>
  (await said(chat)).filter((text) => text.includes(`"${title}"`)).length;

beforeAll(async () => {
  clock = fakeClock('2031-10-06T09:00:00Z');
  await noModel();
  await useTelegram();
});
afterAll(() => vi.useRealTimers());

describe('who the bot answers', () => {
  it('refuses a linked chat once its user’s role is revoked, and stops telling it anything', async () => {
    const admin = await signInAs('admin@test.hq');
    const grant = await call('/api/roles/tg-leaver@test.hq', {
      method: 'PUT',
      cookie: admin,
      json: { role: 'operator' },
    });
    expect(grant.status).toBe(200);
    const chat = await linkChat('tg-leaver@test.hq');
    await send(textUpdate(chat, '/status'));
    expect((await said(chat)).at(-1)).toMatch(/^Agents: \d+/);

    const revoke = await call('/api/roles/tg-leaver@test.hq', { method: 'DELETE', cookie: admin });
    expect(revoke.status).toBe(200);
    await send(textUpdate(chat, '/status'));
    expect((await said(chat)).at(-1)).toContain(REFUSAL);
    const { mission } = await propose(plan({ title: 'After the revocation' }));
    const tap = callbackUpdate(chat, `mission:approve:${mission.id}`);
    await send(tap);
    // A callback answer names the tap, not the chat.
    const answer = (await botCalls(undefined, 'answerCallbackQuery')).find(
      (c) => c.payload.callback_query_id === tap.callback_query?.id,
    );
    expect(String(answer?.payload.text)).toContain(REFUSAL);
    expect(await told(chat, 'After the revocation')).toBe(0);
  });

  it('refuses a link code once its 10 minutes are over', async () => {
    const cookie = await signInAs('viewer@test.hq');
    const response = await call('/api/telegram/link-code', { method: 'POST', cookie });
    const { code, expiresAt } = (await response.json()) as { code: string; expiresAt: string };
    expect(Date.parse(expiresAt)).toBe(clock.now() + 10 * MINUTE);
    clock.advance(10 * MINUTE);
    const chat = newChat();
    await send(textUpdate(chat, `/start ${code}`));
    expect((await said(chat)).at(-1)).toContain('not valid or has expired');
    await send(textUpdate(chat, '/status'));
    expect((await said(chat)).at(-1)).toContain(REFUSAL);
  });

  it('/mute holds notifications back from that chat only, until the mute ends', async () => {
    const muted = await linkChat('operator@test.hq');
    const other = await linkChat('admin@test.hq');
    await send(textUpdate(muted, '/mute 1h'));
    expect((await said(muted)).at(-1)).toContain('Muted until');

    await propose(plan({ title: 'While muted' }));
    expect(await told(other, 'While muted')).toBe(1);
    expect(await told(muted, 'While muted')).toBe(0);

    clock.advance(60 * MINUTE + 1_000);
    await propose(plan({ title: 'After the mute' }));
    expect(await told(other, 'After the mute')).toBe(1);
    expect(await told(muted, 'After the mute')).toBe(1);
  });
});
