import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { noModel, patchSettings } from '../ceo/support';
import { type CallOptions, call, errorOf, signInAs } from '../support/client';
import {
  linkChat,
  messageUpdate,
  newChat,
  said,
  send,
  textUpdate,
  useTelegram,
} from '../telegram/support';

// Small limits, so the attack takes a few requests instead of thousands.
const LIMITS = {
  signInStartsPerMinute: 3,
  chatTurnsPerHour: 2,
  mediaPerHour: 1,
  linkCodeAttemptsPerHour: 2,
};

let githubEnv: CallOptions['env'];

beforeAll(async () => {
  const github = inject('github');
  githubEnv = {
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_URL: github.webUrl,
    GITHUB_API_URL: github.apiUrl,
  };
  await patchSettings({ rateLimits: LIMITS });
  await noModel();
  await useTelegram();
});

/** A person with the viewer role, granted by the admin. */
async function person(email: string) {
  const admin = await signInAs('admin@test.hq');
  const granted = await call(`/api/roles/${email}`, {
    method: 'PUT',
    cookie: admin,
    json: { role: 'viewer' },
  });
  expect(granted.status).toBe(200);
  return signInAs(email);
}

async function expectLimited(response: Response, windowSeconds: number) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  const error = await errorOf(response);
  expect(error).toMatchObject({ code: 'rate_limited', requestId: expect.any(String) });
  expect(error.message).toContain('Try again in');
}

const states = async () =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM oauth_states').first<{ n: number }>())?.n ?? 0;

const chatTurn = (cookie: string, text = 'how are we?') =>
  call('/api/chat', { method: 'POST', cookie, json: { key: crypto.randomUUID(), text } });

describe('rate limits', () => {
  it('limits anonymous sign-in starts per IP per minute: no row is written past the limit', async () => {
    const start = (ip: string) => call('/auth/github/login', { env: githubEnv, clientIp: ip });
    for (let i = 0; i < LIMITS.signInStartsPerMinute; i++) {
      expect((await start('203.0.113.7')).status).toBe(302);
    }
    const before = await states();
    await expectLimited(await start('203.0.113.7'), 60);
    await expectLimited(await start('203.0.113.7'), 60);
    expect(await states()).toBe(before);
    // Another address is not affected.
    expect((await start('198.51.100.9')).status).toBe(302);
  });

  it('limits web chat turns per person per hour; /commands and other people go on', async () => {
    const cookie = await person('chatty@test.hq');
    for (let i = 0; i < LIMITS.chatTurnsPerHour; i++) {
      const ok = await chatTurn(cookie);
      expect(ok.status, await ok.clone().text()).toBe(200);
      await ok.text();
    }
    await expectLimited(await chatTurn(cookie), 3600);
    const command = await chatTurn(cookie, '/help');
    expect(command.status).toBe(200);
    await command.text();
    const other = await chatTurn(await person('quiet@test.hq'));
    expect(other.status).toBe(200);
    await other.text();
  });

  it('counts Telegram turns in the same per-person budget, and says politely when to retry', async () => {
    const email = 'two-faces@test.hq';
    const cookie = await person(email);
    const chat = await linkChat(email);
    const web = await chatTurn(cookie);
    expect(web.status).toBe(200);
    await web.text();
    await send(textUpdate(chat, 'and on Telegram?'));
    expect((await said(chat)).at(-1)).toContain('No model is configured');
    await send(textUpdate(chat, 'once more?'));
    expect((await said(chat)).at(-1)).toMatch(
      /more than 2 chat turns an hour for you.*try again in \d+ minutes/,
    );
    await expectLimited(await chatTurn(cookie), 3600);
    // Commands still answer.
    await send(textUpdate(chat, '/help'));
    expect((await said(chat)).at(-1)).not.toContain('try again');
  });

  it('limits photos, voice notes and documents per person per hour', async () => {
    const email = 'snapper@test.hq';
    await person(email);
    const chat = await linkChat(email);
    const photo = () =>
      messageUpdate(chat, {
        photo: [{ file_id: 'p1', file_unique_id: 'u1', width: 10, height: 10, file_size: 100 }],
      });
    await send(photo());
    expect((await said(chat)).at(-1)).toContain('I need a model to look at photos');
    await send(photo());
    expect((await said(chat)).at(-1)).toMatch(
      /more than 1 photos, voice notes and documents an hour.*try again in \d+ minutes/,
    );
    await send(
      messageUpdate(chat, {
        document: {
          file_id: 'd1',
          file_unique_id: 'u2',
          file_name: 'a.pdf',
          mime_type: 'application/pdf',
          file_size: 100,
        },
      }),
    );
    expect((await said(chat)).at(-1)).toContain('try again');
    // Someone else's photo is looked at (here: refused for want of a model, not for the limit).
    const other = await linkChat('operator@test.hq');
    await send(
      messageUpdate(other, {
        photo: [{ file_id: 'p2', file_unique_id: 'u3', width: 10, height: 10, file_size: 100 }],
      }),
    );
    expect((await said(other)).at(-1)).toContain('I need a model to look at photos');
  });

  it('limits link-code attempts per chat: guessing stops, even the right code waits', async () => {
    const chat = newChat();
    for (let i = 0; i < LIMITS.linkCodeAttemptsPerHour; i++) {
      await send(textUpdate(chat, `/start WRONGCODE${i}`));
      expect((await said(chat)).at(-1)).toContain('not valid');
    }
    const cookie = await person('guessed@test.hq');
    const created = await call('/api/telegram/link-code', { method: 'POST', cookie });
    const { code } = (await created.json()) as { code: string };
    await send(textUpdate(chat, `/start ${code}`));
    expect((await said(chat)).at(-1)).toMatch(/more than 2 link-code attempts an hour/);
    const linked = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM telegram_chats WHERE chat_id = ?',
    )
      .bind(String(chat))
      .first<{ n: number }>();
    expect(linked?.n).toBe(0);
    // Another chat links with the same, still unused code.
    const other = newChat();
    await send(textUpdate(other, `/start ${code}`));
    expect((await said(other)).at(-1)).toContain('Linked to guessed@test.hq');
  });
});
