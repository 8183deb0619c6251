import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jsonAs, pageAs } from '../support/session-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';
import { startTelegramStandIn } from '../support/telegram-stand-in';

// Linking a Telegram chat from the profile page, with a bot configured and its Bot API served
// by the local stand-in: the page's code, sent as `/start CODE` to the webhook, links the chat.
const SECRET = 'web-telegram-webhook-secret-0123456789';
const CHAT_ID = 7_000_000 + Math.floor(Math.random() * 1_000_000);

let session: SignedIn;
let telegram: Awaited<ReturnType<typeof startTelegramStandIn>>;

beforeAll(async () => {
  telegram = await startTelegramStandIn();
  session = await startSignedIn('operator@hq.local', undefined, {
    TELEGRAM_BOT_TOKEN: '123456:web-test-token',
    TELEGRAM_BOT_USERNAME: 'hq_web_bot',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
  });
});

afterAll(async () => {
  await session?.close();
  await telegram?.close();
});

/** Telegram delivering `/start CODE` from a private chat to the webhook. */
async function deliverStart(code: string) {
  const text = `/start ${code}`;
  const response = await fetch(`${session.hq.url}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify({
      update_id: CHAT_ID,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: CHAT_ID, type: 'private', first_name: 'Browser' },
        from: { id: CHAT_ID, is_bot: false, first_name: 'Browser' },
        text,
        entities: [{ type: 'bot_command', offset: 0, length: '/start'.length }],
      },
    }),
  });
  expect(response.status, await response.text()).toBe(200);
}

describe('the Telegram panel with a bot configured', () => {
  it('creates a link code, and the chat it links can be unlinked', async () => {
    const { page } = session;
    // The bot answers through the local Bot API, set as the admin would in settings.
    const admin = await pageAs(session, 'admin@hq.local');
    await jsonAs({ hq: session.hq, page: admin }, '/api/settings', {
      method: 'PATCH',
      body: { telegram: { apiRoot: telegram.apiRoot } },
    });
    await admin.context().close();

    await page.getByTestId('whoami').click();
    const panel = page.getByRole('region', { name: 'Telegram' });
    await panel.getByRole('button', { name: 'Link a Telegram chat' }).click();
    const start = panel.getByTestId('telegram-start');
    await expect.poll(() => start.innerText()).toMatch(/^\/start [A-Z2-9]{10}$/);
    const code = (await start.innerText()).slice('/start '.length);
    const link = panel.getByRole('link', { name: `https://t.me/hq_web_bot?start=${code}` });
    expect(await link.getAttribute('href')).toBe(`https://t.me/hq_web_bot?start=${code}`);
    expect(await panel.innerText()).toMatch(/expires at /);

    await deliverStart(code);
    await vi.waitFor(
      async () => {
        const { chats } = await jsonAs<{ chats: unknown[] }>(session, '/api/telegram/chats');
        expect(chats).toHaveLength(1);
      },
      { timeout: 30_000, interval: 250 },
    );
    await page.reload();
    const unlink = panel.getByRole('button', { name: 'Unlink Browser' });
    await unlink.click();
    await expect.poll(() => panel.innerText()).toContain('No Telegram chat is linked to you.');
    const { chats } = await jsonAs<{ chats: unknown[] }>(session, '/api/telegram/chats');
    expect(chats).toHaveLength(0);
  });
});
