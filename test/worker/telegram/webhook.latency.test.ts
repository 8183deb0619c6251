import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../../worker/index';
import { modelRequests, script, useModels } from '../ceo/support';
import { ORIGIN } from '../support/client';
import { botCalls, linkChat, SECRET, said, textUpdate, useTelegram } from './support';

const MODEL = 'chat-slow-webhook';
const MODEL_DELAY_MS = 2_000;

describe('the Telegram webhook under a slow model', () => {
  it('answers 200 before the model has answered, and never asks Telegram who the bot is', async () => {
    await useTelegram();
    await useModels({ chat: MODEL });
    await script(MODEL, [{ text: 'Slow but sure.', delayMs: MODEL_DELAY_MS }]);
    const chat = await linkChat('operator@test.hq');
    const since = Date.now();

    // Through the worker's entry point, without waiting for its background work (the poke
    // that processes the queue), as Telegram sees it.
    const ctx = createExecutionContext();
    const started = Date.now();
    const response = await worker.fetch(
      new Request(`${ORIGIN}/telegram/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'cf-connecting-ip': '127.0.0.1',
          'x-telegram-bot-api-secret-token': SECRET,
        },
        body: JSON.stringify(textUpdate(chat, 'how is the release going?')),
      }),
      env,
      ctx,
    );
    const answeredIn = Date.now() - started;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, queued: true });
    expect(answeredIn).toBeLessThan(MODEL_DELAY_MS);
    expect(await said(chat)).not.toContain('Slow but sure.');

    await waitOnExecutionContext(ctx);
    await expect.poll(async () => said(chat), { timeout: 5_000 }).toContain('Slow but sure.');
    expect(await modelRequests(MODEL)).toHaveLength(1);
    const getMe = (await botCalls()).filter((c) => c.method === 'getMe' && c.at >= since);
    expect(getMe).toEqual([]);
  });
});
