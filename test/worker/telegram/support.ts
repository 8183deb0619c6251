import type { Update } from 'grammy/types';
import { expect, inject } from 'vitest';
import type { BotApiCall, BotApiScript } from '../../support/provided-context';
import { newChat, textUpdate } from '../../support/telegram-updates';
import { ceo, patchSettings } from '../ceo/support';
import { call, signInAs } from '../support/client';

export const SECRET = 'test-webhook-secret-0123456789abcdef';
const root = () => inject('telegram').apiRoot;

/** Points the bot at the local Bot API server. */
export const useTelegram = () => patchSettings({ telegram: { apiRoot: root() } });

/** Every Bot API call made about one chat (or all, without a chat). */
export async function botCalls(chatId?: string | number, method?: string): Promise<BotApiCall[]> {
  const query = chatId === undefined ? '' : `?chat_id=${chatId}`;
  const calls = (await (await fetch(`${root()}/__calls${query}`)).json()) as BotApiCall[];
  return method ? calls.filter((c) => c.method === method) : calls;
}

/** What the bot said to a chat, in order. */
export const said = async (chatId: number) =>
  (await botCalls(chatId, 'sendMessage')).map((c) => String(c.payload.text));

/** Makes the local Bot API slow or failing for the next calls. */
export async function scriptBot(script: BotApiScript) {
  const response = await fetch(`${root()}/__script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(script),
  });
  expect(response.status).toBe(200);
}

/** Serves a file from the local Bot API (getFile + download); getFile may declare another `size`. */
export async function serveFile(fileId: string, path: string, bytes: Uint8Array, size?: number) {
  const base64 = btoa(String.fromCharCode(...bytes));
  const response = await fetch(`${root()}/__files`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fileId, path, base64, size }),
  });
  expect(response.status).toBe(200);
}

export {
  blockedUpdate,
  callbackUpdate,
  messageUpdate,
  newChat,
  newGroup,
  textUpdate,
} from '../../support/telegram-updates';

/** Delivers an update to the webhook as Telegram does (with the secret header). */
export function deliver(update: unknown, secret: string | null = SECRET) {
  return call('/telegram/webhook', {
    method: 'POST',
    json: update,
    headers: secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret },
  });
}

/** Delivers an update and waits until the CEO has processed it. */
export async function send(update: Update) {
  const response = await deliver(update);
  expect(response.status, await response.clone().text()).toBe(200);
  await ceo().poke();
  return response;
}

/** Links a new chat to `email` the real way: a code from the web app, then /start CODE. */
export async function linkChat(email: string, chatId = newChat()): Promise<number> {
  const cookie = await signInAs(email);
  const response = await call('/api/telegram/link-code', { method: 'POST', cookie });
  expect(response.status, await response.clone().text()).toBe(201);
  const { code } = (await response.json()) as { code: string };
  await send(textUpdate(chatId, `/start ${code}`));
  expect((await said(chatId)).at(-1)).toContain(`Linked to ${email}`);
  return chatId;
}

/** Sends a text (a command) from a chat and returns the one answer the bot gave to it. */
export async function ask(chat: number, text: string): Promise<string> {
  const before = (await said(chat)).length;
  await send(textUpdate(chat, text));
  const after = await said(chat);
  expect(after.length, `no answer to ${text}`).toBe(before + 1);
  return after.at(-1) ?? '';
}
