import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { noModel } from '../ceo/support';
import { call, signInAs } from '../support/client';
import { blockedUpdate, linkChat, said, send, textUpdate, useTelegram } from './support';

beforeAll(async () => {
  await useTelegram();
  await noModel();
});

describe('a user who blocks the bot', () => {
  it('has the chat unlinked, audited, and the profile says so until a chat is linked again', async () => {
    const chat = await linkChat('viewer@test.hq');
    await send(blockedUpdate(chat));
    const row = await env.DB.prepare('SELECT chat_id FROM telegram_chats WHERE chat_id = ?')
      .bind(String(chat))
      .first();
    expect(row).toBeNull();
    const audit = await env.DB.prepare(
      `SELECT actor, entity_type AS entityType FROM audit_log WHERE action = 'telegram.blocked' AND entity_id = ?`,
    )
      .bind(String(chat))
      .all();
    expect(audit.results).toEqual([{ actor: 'viewer@test.hq', entityType: 'telegram_chat' }]);

    const cookie = await signInAs('viewer@test.hq');
    const profile = async () =>
      (await (await call('/api/telegram/chats', { cookie })).json()) as {
        chats: unknown[];
        blocked: { chatId: string; at: string } | null;
      };
    const view = await profile();
    expect(view.chats).toEqual([]);
    expect(view.blocked?.chatId).toBe(String(chat));
    expect(Date.now() - Date.parse(view.blocked?.at ?? '')).toBeLessThan(60_000);

    // Unlinked: the chat is a stranger now, and a replay of the update changes nothing.
    await send(textUpdate(chat, '/status'));
    expect((await said(chat)).at(-1)).toContain('answers only the operators of a private HQ');
    await send(blockedUpdate(chat));
    const audits = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'telegram.blocked' AND entity_id = ?`,
    )
      .bind(String(chat))
      .first<{ n: number }>();
    expect(audits?.n).toBe(1);

    await linkChat('viewer@test.hq', chat);
    expect((await profile()).blocked).toBeNull();
  });

  it('leaves the chat linked when the bot is only restarted (status member)', async () => {
    const chat = await linkChat('operator@test.hq');
    const update = blockedUpdate(chat);
    if (update.my_chat_member) update.my_chat_member.new_chat_member.status = 'member';
    await send(update);
    const row = await env.DB.prepare('SELECT chat_id FROM telegram_chats WHERE chat_id = ?')
      .bind(String(chat))
      .first();
    expect(row).not.toBeNull();
  });
});
