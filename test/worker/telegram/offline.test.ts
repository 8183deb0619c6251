import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../../worker/settings/store';
import { telegramConfig } from '../../../worker/telegram/config';
import { ceo } from '../ceo/support';
import { CLOSED_BOT_API_ROOT } from '../setup/offline-telegram';
import { botCalls, deliver, newChat, textUpdate } from './support';

// This file never calls useTelegram(): it sees what every test file starts with.
describe('tests and the real Telegram', () => {
  it('start with the Bot API on a closed local port, so a reply reaches nobody', async () => {
    const config = telegramConfig(env, await readSettings(env));
    expect(config?.apiRoot).toBe(CLOSED_BOT_API_ROOT);
    const chat = newChat();
    const response = await deliver(textUpdate(chat, 'hello from nowhere'));
    expect(await response.json()).toEqual({ ok: true, queued: true });
    // Processed (the refusal to an unlinked chat was attempted and failed to connect) ...
    expect((await ceo().state()).queueDepth).toBe(0);
    // ... and it went neither to the local stand-in nor anywhere else that answered.
    expect(await botCalls(chat)).toEqual([]);
  });
});
