import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { noModel } from '../ceo/support';
import { plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import {
  botCalls,
  callbackUpdate,
  linkChat,
  newChat,
  newGroup,
  said,
  send,
  textUpdate,
  useTelegram,
} from './support';

// Issue 17, point 2: a link binds a private chat AND its Telegram user. The attack: the group
// form `/start@bot CODE` linked a group, and then any member's tap or /pause ran as the linker.

const PRIVATE_ONLY = 'HQ links private chats only: open a private chat with @hq_test_bot';
const REFUSAL = 'answers only the operators of a private HQ';

beforeAll(async () => {
  await useTelegram();
  await noModel();
});

const missionStatus = async (id: string) =>
  (
    await env.DB.prepare('SELECT status FROM missions WHERE id = ?')
      .bind(id)
      .first<{ status: string }>()
  )?.status;

const workerSwitch = async () => {
  const cookie = await signInAs('admin@test.hq');
  const body = (await (await call('/api/settings', { cookie })).json()) as {
    settings: { workerSwitch: boolean };
  };
  return body.settings.workerSwitch;
};

async function linkCode(email: string) {
  const cookie = await signInAs(email);
  const response = await call('/api/telegram/link-code', { method: 'POST', cookie });
  expect(response.status).toBe(201);
  return ((await response.json()) as { code: string }).code;
}

/** The answer to one tap (callback answers name the tap, not the chat). */
async function answerTo(tap: ReturnType<typeof callbackUpdate>) {
  const answers = await botCalls(undefined, 'answerCallbackQuery');
  return answers.find((c) => c.payload.callback_query_id === tap.callback_query?.id)?.payload;
}

describe('Telegram links and answers private chats only, bound to the user', () => {
  it('refuses the group form /start@bot CODE: nothing linked, the code voided, the bot leaves', async () => {
    const code = await linkCode('admin@test.hq');
    const group = newGroup();
    const member = newChat();
    await send(
      textUpdate(group, `/start@hq_test_bot ${code}`, { type: 'supergroup', from: member }),
    );
    const reply = (await said(group)).at(-1);
    expect(reply).toContain(PRIVATE_ONLY);
    expect(reply).toContain('That link code was seen here, so it no longer works');
    expect(await botCalls(group, 'leaveChat')).toHaveLength(1);
    const rows = await env.DB.prepare('SELECT COUNT(*) AS n FROM telegram_chats WHERE chat_id = ?')
      .bind(String(group))
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);

    // Voided, not left usable: every member read it, and one who sent it privately would
    // link their own account to the admin.
    await send(textUpdate(member, `/start ${code}`));
    expect((await said(member)).at(-1)).toContain('not valid or has expired');
    await send(textUpdate(member, '/pause'));
    expect((await said(member)).at(-1)).toContain(REFUSAL);
    expect(await workerSwitch()).toBe(true);
  });

  it('refuses commands, chat and taps from a group, even one linked before the fix', async () => {
    const group = newGroup();
    const linker = newChat();
    const member = newChat();
    // A group link as the old code made it (the migration removes these; one left is inert).
    await env.DB.prepare(
      'INSERT INTO telegram_chats (chat_id, user_email, telegram_user_id, linked_at) VALUES (?, ?, ?, ?)',
    )
      .bind(String(group), 'admin@test.hq', String(linker), Date.now())
      .run();
    const { mission } = await propose(plan({ title: 'Tapped in a group' }));

    const tap = callbackUpdate(group, `mission:approve:${mission.id}`, 1, undefined, {
      type: 'group',
      from: member,
    });
    await send(tap);
    expect(await answerTo(tap)).toMatchObject({ show_alert: true });
    expect(String((await answerTo(tap))?.text)).toContain(PRIVATE_ONLY);
    for (const from of [member, linker]) {
      await send(textUpdate(group, '/pause', { type: 'group', from }));
      expect((await said(group)).at(-1)).toContain(PRIVATE_ONLY);
      await send(textUpdate(group, 'approve everything please', { type: 'group', from }));
      expect((await said(group)).at(-1)).toContain(PRIVATE_ONLY);
    }
    expect(await missionStatus(mission.id)).toBe('PROPOSED');
    expect(await workerSwitch()).toBe(true);
    // Nor is the group told anything: notifications go to private links only.
    expect((await said(group)).some((text) => text.includes('Tapped in a group'))).toBe(false);
  });

  it('refuses an update or a tap in a linked chat from another Telegram user; the linked user still acts', async () => {
    const chat = await linkChat('admin@test.hq');
    const stranger = newChat();
    const row = await env.DB.prepare(
      'SELECT telegram_user_id AS userId FROM telegram_chats WHERE chat_id = ?',
    )
      .bind(String(chat))
      .first<{ userId: string }>();
    expect(row?.userId).toBe(String(chat));
    const { mission } = await propose(plan({ title: 'Forged tap' }));

    const forged = callbackUpdate(chat, `mission:approve:${mission.id}`, 1, undefined, {
      from: stranger,
    });
    await send(forged);
    expect(await answerTo(forged)).toMatchObject({ show_alert: true });
    expect(String((await answerTo(forged))?.text)).toContain(REFUSAL);
    await send(textUpdate(chat, '/pause', { from: stranger }));
    expect((await said(chat)).at(-1)).toContain(REFUSAL);
    // Nor can another user take the chat over with a fresh code of their own.
    const code = await linkCode('operator@test.hq');
    await send(textUpdate(chat, `/start ${code}`, { from: stranger }));
    expect((await said(chat)).at(-1)).toContain(REFUSAL);
    expect(await missionStatus(mission.id)).toBe('PROPOSED');
    expect(await workerSwitch()).toBe(true);

    const tap = callbackUpdate(chat, `mission:approve:${mission.id}`);
    await send(tap);
    expect(await missionStatus(mission.id)).toBe('APPROVED');
    await send(textUpdate(chat, '/pause'));
    expect((await said(chat)).at(-1)).toContain('Workers paused');
    expect(await workerSwitch()).toBe(false);
  });
});
