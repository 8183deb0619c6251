import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelRequests, noModel, script, useModels } from '../ceo/support';
import { plan, propose } from '../missions/support';
import { botCalls, callbackUpdate, linkChat, said, send, textUpdate, useTelegram } from './support';

const CHAT_MODEL = 'chat-conversation-test';
let operator: number;
let viewer: number;

type Sent = { text: string; reply_markup?: { inline_keyboard: { callback_data: string }[][] } };
const lastSent = async (chat: number) =>
  (await botCalls(chat, 'sendMessage')).at(-1)?.payload as Sent;
const status = async (id: string) =>
  (
    await env.DB.prepare('SELECT status FROM missions WHERE id = ?')
      .bind(id)
      .first<{ status: string }>()
  )?.status;

beforeAll(async () => {
  await useTelegram();
  operator = await linkChat('operator@test.hq');
  viewer = await linkChat('viewer@test.hq');
});

describe('free text is a conversation with the CEO', () => {
  it('without a model, answers with the status and says no model is set', async () => {
    await noModel();
    await send(textUpdate(operator, 'how are we doing?'));
    const reply = (await said(operator)).at(-1) ?? '';
    expect(reply).toMatch(/^Agents: \d+/);
    expect(reply).toContain('No model is configured');
  });

  it('lets the model call read tools, then answers; the spend is recorded as chat', async () => {
    await useModels({ chat: CHAT_MODEL });
    await script(CHAT_MODEL, [
      { toolCalls: [{ name: 'get_status', args: {} }] },
      { text: 'All quiet: nothing waits for you.' },
    ]);
    const before = (await modelRequests(CHAT_MODEL)).length;
    await send(textUpdate(operator, 'anything for me?'));
    expect((await said(operator)).at(-1)).toBe('All quiet: nothing waits for you.');
    const [first, second] = (await modelRequests(CHAT_MODEL)).slice(before);
    const tools = ((first?.body.tools ?? []) as { function: { name: string } }[]).map(
      (t) => t.function.name,
    );
    expect(tools).toEqual(
      expect.arrayContaining(['get_status', 'list_missions', 'approve_mission']),
    );
    const toolResult = ((second?.body.messages ?? []) as { role: string; content: string }[]).find(
      (m) => m.role === 'tool',
    );
    expect(toolResult?.content).toMatch(/^Agents: \d+/);
    const spend = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM spend_ledger WHERE purpose = 'chat' AND model = ?`,
    )
      .bind(CHAT_MODEL)
      .first<{ n: number }>();
    expect(spend?.n).toBeGreaterThanOrEqual(2);
  });

  it('asks before any write: the mission is approved only when the operator confirms', async () => {
    await useModels({ chat: CHAT_MODEL });
    const { mission } = await propose(plan({ title: 'Confirm me' }));
    await script(CHAT_MODEL, [
      { toolCalls: [{ name: 'approve_mission', args: { mission_id: mission.id } }] },
      { text: 'I will approve "Confirm me". Confirm?' },
    ]);
    await send(textUpdate(operator, 'approve the confirm me mission'));
    const question = await lastSent(operator);
    // The model's words, then the engine's: the summary and the one phrase that confirms it.
    expect(question.text).toMatch(
      /^I will approve "Confirm me"\. Confirm\?\n\nApprove mission "Confirm me"\.\nTap Confirm, or reply "confirm [0-9a-f]{4}" to do it/,
    );
    const [confirm, cancel] = question.reply_markup?.inline_keyboard[0] ?? [];
    expect(confirm?.callback_data).toMatch(/^confirm:/);
    expect(cancel?.callback_data).toMatch(/^cancel:/);
    expect(await status(mission.id)).toBe('PROPOSED');
    await send(callbackUpdate(operator, confirm?.callback_data ?? ''));
    expect(await status(mission.id)).toBe('APPROVED');
    expect((await said(operator)).at(-1)).toContain('Mission "Confirm me" approved.');
    // The same button again: the question is closed.
    await send(callbackUpdate(operator, confirm?.callback_data ?? ''));
    expect((await said(operator)).at(-1)).toContain('no longer open');
  });

  it('takes a typed answer only when it names the question; a bare yes confirms nothing', async () => {
    await useModels({ chat: CHAT_MODEL });
    const { mission: named } = await propose(plan({ title: 'Typed code' }));
    const { mission: no } = await propose(plan({ title: 'Cancelled' }));
    await script(CHAT_MODEL, [
      {
        toolCalls: [{ name: 'reject_mission', args: { mission_id: named.id, reason: 'too big' } }],
      },
      { text: 'Reject "Typed code" because it is too big?' },
      { toolCalls: [{ name: 'approve_mission', args: { mission_id: no.id } }] },
      { text: 'Approve "Cancelled"?' },
    ]);
    await send(textUpdate(operator, 'reject typed code, too big'));
    const code = /reply "confirm ([0-9a-f]{4})"/.exec((await lastSent(operator)).text)?.[1];
    expect(code).toMatch(/^[0-9a-f]{4}$/);
    const before = (await modelRequests(CHAT_MODEL)).length;
    for (const bare of ['yes', 'OK', 'confirm', 'do it!']) {
      await send(textUpdate(operator, bare));
      expect(await status(named.id)).toBe('PROPOSED');
      const hint = await lastSent(operator);
      expect(hint.text).toContain('That confirms nothing');
      expect(hint.text).toContain(
        `Reject mission "Typed code": too big\nTap Confirm, or reply "confirm ${code}"`,
      );
      expect(hint.reply_markup?.inline_keyboard[0]?.[0]?.callback_data).toMatch(/^confirm:/);
    }
    // A code that names no open question does nothing either.
    const wrong = code === '0000' ? '1111' : '0000';
    await send(textUpdate(operator, `confirm ${wrong}`));
    expect((await said(operator)).at(-1)).toContain(`No open question has the code ${wrong}`);
    expect(await status(named.id)).toBe('PROPOSED');
    await send(textUpdate(operator, `Confirm ${code?.toUpperCase()}.`));
    expect((await modelRequests(CHAT_MODEL)).length).toBe(before); // none of these asked the model
    expect(await status(named.id)).toBe('REJECTED');

    await send(textUpdate(operator, 'approve cancelled'));
    const cancel =
      (await lastSent(operator)).reply_markup?.inline_keyboard[0]?.[1]?.callback_data ?? '';
    await send(callbackUpdate(operator, cancel));
    expect((await said(operator)).at(-1)).toBe('Cancelled: Approve mission "Cancelled".');
    expect(await status(no.id)).toBe('PROPOSED');
  });

  it('offers a viewer no write tools', async () => {
    await useModels({ chat: CHAT_MODEL });
    await script(CHAT_MODEL, [{ text: 'Here is what I know.' }]);
    const before = (await modelRequests(CHAT_MODEL)).length;
    await send(textUpdate(viewer, 'approve everything'));
    const [request] = (await modelRequests(CHAT_MODEL)).slice(before);
    const tools = ((request?.body.tools ?? []) as { function: { name: string } }[]).map(
      (t) => t.function.name,
    );
    expect(tools).toContain('get_status');
    expect(tools).not.toContain('approve_mission');
  });

  it('keeps the conversation and what the CEO remembers in the model’s context', async () => {
    await useModels({ chat: CHAT_MODEL });
    await env.DB.prepare(
      `INSERT INTO memory_items (id, kind, content, created_at) VALUES (?, 'open_loop', 'Send the Q3 report to the board', ?)`,
    )
      .bind(crypto.randomUUID(), Date.now())
      .run();
    await script(CHAT_MODEL, [{ text: 'Noted.' }, { text: 'You said you like short answers.' }]);
    await send(textUpdate(operator, 'I like short answers'));
    const before = (await modelRequests(CHAT_MODEL)).length;
    await send(textUpdate(operator, 'what do I like?'));
    const [request] = (await modelRequests(CHAT_MODEL)).slice(before);
    const messages = request?.body.messages as { role: string; content: string }[];
    expect(messages[0]?.content).toContain('Send the Q3 report to the board');
    expect(messages.map((m) => m.content)).toEqual(
      expect.arrayContaining(['I like short answers', 'Noted.']),
    );
  });

  it('falls back to the status when the model fails, saying so without its error text', async () => {
    await useModels({ chat: CHAT_MODEL });
    await script(CHAT_MODEL, [{ status: 500, message: 'internal secret detail sk-live-123' }]);
    await send(textUpdate(operator, 'status please'));
    const reply = (await said(operator)).at(-1) ?? '';
    expect(reply).toContain('I could not reach the model just now (it answered 500)');
    expect(reply).not.toContain('sk-live-123');
    await noModel();
  });
});
