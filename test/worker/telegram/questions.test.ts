import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { script, useModels } from '../ceo/support';
import { plan, propose } from '../missions/support';
import { botCalls, callbackUpdate, linkChat, send, textUpdate, useTelegram } from './support';

// A question the CEO asks before a write (Confirm / Cancel) loses its buttons however it is
// answered: a tap, a typed "confirm <code>", or a newer question that replaces it. The Bot API stand-in
// shows each edit as Telegram would get it.

const CHAT_MODEL = 'chat-questions-test';
let operator: number;

interface Sent {
  messageId: number;
  text: string;
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
}

/** The last message the bot sent the operator, with the message_id Telegram gave it. */
async function lastSent(): Promise<Sent> {
  const call = (await botCalls(operator, 'sendMessage')).at(-1);
  return {
    ...(call?.payload as Omit<Sent, 'messageId'>),
    messageId: (call?.result as { message_id?: number } | undefined)?.message_id ?? -1,
  };
}

/** The edits Telegram accepted for one of the operator's messages, in order. */
const editsOf = async (messageId: number) =>
  (await botCalls(operator, 'editMessageText'))
    .filter((c) => c.payload.message_id === messageId && c.result)
    .map((c) => ({
      text: String(c.payload.text),
      keyboard: JSON.stringify(c.payload.reply_markup ?? {}),
    }));

const status = async (id: string) =>
  (
    await env.DB.prepare('SELECT status FROM missions WHERE id = ?')
      .bind(id)
      .first<{ status: string }>()
  )?.status;

/** The CEO asks to approve `title` and shows Confirm / Cancel; the question's message. */
async function asked(title: string): Promise<{ missionId: string; question: Sent }> {
  const { mission } = await propose(plan({ title }));
  await script(CHAT_MODEL, [
    { toolCalls: [{ name: 'approve_mission', args: { mission_id: mission.id } }] },
    { text: `Approve "${title}"?` },
  ]);
  await send(textUpdate(operator, `approve ${title}`));
  const question = await lastSent();
  expect(question.text).toBe(`Approve "${title}"?\n\n${confirmLine(question.text, title)}`);
  expect(question.reply_markup?.inline_keyboard[0]?.map((b) => b.text)).toEqual([
    '✔ Confirm',
    '✖ Cancel',
  ]);
  return { missionId: mission.id, question };
}

/** The line the engine adds under a question: its summary and the phrase that confirms it. */
function confirmLine(text: string, title: string) {
  const code = /reply "confirm ([0-9a-f]{4})"/.exec(text)?.[1] ?? 'none';
  return `Approve mission "${title}".\nTap Confirm, or reply "confirm ${code}" to do it ("cancel ${code}" to drop it).`;
}

const BY_OPERATOR = (verb: string) =>
  new RegExp(`\\n\\n${verb} by operator@test\\.hq at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`);

beforeAll(async () => {
  await useTelegram();
  await useModels({ chat: CHAT_MODEL });
  operator = await linkChat('operator@test.hq');
});

describe('a CEO question’s buttons never go stale', () => {
  it('a typed confirmation naming it confirms it and takes its buttons away, saying so', async () => {
    const { missionId, question } = await asked('Typed code closes');
    const code = /reply "confirm ([0-9a-f]{4})"/.exec(question.text)?.[1];
    await send(textUpdate(operator, `confirm ${code}`));
    expect(await status(missionId)).toBe('APPROVED');
    const [edit, ...more] = await editsOf(question.messageId);
    expect(more).toEqual([]);
    expect(edit?.text).toMatch(/^Approve "Typed code closes"\?/);
    expect(edit?.text).toMatch(BY_OPERATOR('✔ Confirmed'));
    expect(edit?.keyboard).toBe('{"inline_keyboard":[]}');
    // Its buttons, tapped from a client that still shows them, decide nothing more.
    const confirm = question.reply_markup?.inline_keyboard[0]?.[0]?.callback_data ?? '';
    await send(callbackUpdate(operator, confirm, question.messageId, question));
    expect((await lastSent()).text).toContain('no longer open');
  });

  it('a newer question replaces the open one: the older loses its buttons', async () => {
    const first = await asked('Asked first');
    const second = await asked('Asked second');
    const [edit] = await editsOf(first.question.messageId);
    expect(edit?.text).toBe(`${first.question.text}\n\n⏹ Replaced by a newer question`);
    expect(edit?.keyboard).toBe('{"inline_keyboard":[]}');
    expect(await editsOf(second.question.messageId)).toEqual([]);
    expect(await status(first.missionId)).toBe('PROPOSED');
  });

  it('a tapped Cancel closes it with who cancelled, in one edit', async () => {
    const { missionId, question } = await asked('Tapped cancel');
    const cancel = question.reply_markup?.inline_keyboard[0]?.[1]?.callback_data ?? '';
    await send(callbackUpdate(operator, cancel, question.messageId, question));
    expect(await status(missionId)).toBe('PROPOSED');
    const edits = await editsOf(question.messageId);
    expect(edits).toHaveLength(1);
    expect(edits[0]?.text).toMatch(BY_OPERATOR('✖ Cancelled'));
    expect(edits[0]?.keyboard).toBe('{"inline_keyboard":[]}');
    // Recorded and closed: no separate removal of its keyboard was needed.
    const cleared = (await botCalls(operator, 'editMessageReplyMarkup')).filter(
      (c) => c.payload.message_id === question.messageId,
    );
    expect(cleared).toEqual([]);
  });
});
