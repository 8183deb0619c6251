import { env } from 'cloudflare:workers';
import type { Update } from 'grammy/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { ceo, MINUTE, noModel, patchSettings } from '../ceo/support';
import { call, signInAs } from '../support/client';
import { botCalls, linkChat, messageUpdate, send, useTelegram } from '../telegram/support';
import { connect, runningTask, tool } from './support';

// An agent asks the operator mid-run (ask_operator); the CEO sends the question at once; the
// operator answers by replying to it in Telegram (or with /answer); the agent reads it back.

let operator = 0;
let viewer = 0;

beforeAll(async () => {
  await useTelegram();
  await noModel();
  operator = await linkChat('operator@test.hq');
  viewer = await linkChat('viewer@test.hq');
});

/** The bot's message to `chat` that carries `text`, with the message_id Telegram gave it. */
async function sentWith(chat: number, text: string) {
  const found = (await botCalls(chat, 'sendMessage')).findLast((c) =>
    String(c.payload.text).includes(text),
  );
  expect(found, `no message with ${text}`).toBeDefined();
  return {
    text: String(found?.payload.text),
    messageId: (found?.result as { message_id?: number } | undefined)?.message_id ?? -1,
  };
}

/** A text sent as a reply to the bot's message `messageId`. */
const replyTo = (chat: number, messageId: number, text: string): Update =>
  messageUpdate(chat, {
    text,
    reply_to_message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chat, type: 'private', first_name: 'Op' },
      from: { id: 1, is_bot: true, first_name: 'HQ', username: 'hq_test_bot' },
      text: 'the question',
    },
  });

const lastSaid = async (chat: number) =>
  String((await botCalls(chat, 'sendMessage')).at(-1)?.payload.text);

describe('ask_operator and get_answer', () => {
  it('a question reaches Telegram at once; a reply answers it; the agent reads the answer', async () => {
    const { claim, taskId } = await runningTask('ask-ada', 'Needs a decision');
    const client = await connect(claim.mcp.url, claim.mcp.token);
    const asked = await tool(client, 'ask_operator', {
      question: 'Should the export keep the old CSV column order?',
    });
    expect(asked).toMatchObject({ status: 'asked' });
    const questionId = String(asked.questionId);
    expect(await tool(client, 'get_answer', { questionId })).toEqual({
      questionId,
      status: 'waiting',
      text: 'Not answered yet.',
    });

    await ceo().poke();
    const message = await sentWith(operator, 'Should the export keep the old CSV column order?');
    expect(message.text).toBe(
      `❓ ask-ada asks (task ${taskId.slice(0, 8)}): Should the export keep the old CSV column order?\n\nReply to this message to answer, or /answer ${questionId.slice(0, 8)} <answer>.`,
    );

    // A viewer's reply answers nothing.
    const viewerCopy = await sentWith(viewer, 'old CSV column order');
    await send(replyTo(viewer, viewerCopy.messageId, 'No.'));
    expect(await lastSaid(viewer)).toBe(
      'Answering an agent needs the operator role; viewer@test.hq is viewer.',
    );

    await send(replyTo(operator, message.messageId, 'Yes, keep the old order.'));
    expect(await lastSaid(operator)).toBe('Sent to ask-ada: it reads your answer with get_answer.');
    const answer = await tool(client, 'get_answer', { questionId });
    expect(answer).toMatchObject({
      status: 'answered',
      answer: 'Yes, keep the old order.',
      answeredBy: 'operator@test.hq',
    });
    // The question's message says who answered; a second answer changes nothing.
    const edit = (await botCalls(operator, 'editMessageText')).findLast(
      (c) => c.payload.message_id === message.messageId,
    );
    expect(String(edit?.payload.text)).toMatch(
      /\n\n✅ Answered by operator@test\.hq at .+ UTC: Yes, keep the old order\.$/,
    );
    await send({
      ...messageUpdate(operator, { text: `/answer ${questionId.slice(0, 8)} No, change it.` }),
    });
    expect(await lastSaid(operator)).toBe(
      'That question was already answered by operator@test.hq: "Yes, keep the old order."',
    );
    const audit = await env.DB.prepare(
      "SELECT actor, action FROM audit_log WHERE entity_type = 'agent_question' AND entity_id = ? ORDER BY id",
    )
      .bind(questionId)
      .all();
    expect(audit.results).toEqual([
      { actor: 'agent:ask-ada', action: 'agent_question.ask' },
      { actor: 'operator@test.hq', action: 'agent_question.answer' },
    ]);
    // Another task's run cannot read it.
    const other = await runningTask('ask-bo', 'Someone else');
    const stranger = await connect(other.claim.mcp.url, other.claim.mcp.token);
    expect((await tool(stranger, 'get_answer', { questionId })).error).toMatch(
      `No question ${questionId} of task ${other.taskId}.`,
    );
  });

  it('/answer in the web chat answers too', async () => {
    const { claim } = await runningTask('ask-cy', 'Asks the web');
    const client = await connect(claim.mcp.url, claim.mcp.token);
    const { questionId } = await tool(client, 'ask_operator', { question: 'Which port?' });
    const cookie = await signInAs('operator@test.hq');
    const response = await call('/api/chat', {
      method: 'POST',
      cookie,
      json: { key: crypto.randomUUID(), text: `/answer ${String(questionId)} Use 8080.` },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.text()).toContain('Sent to ask-cy');
    expect(await tool(client, 'get_answer', { questionId })).toMatchObject({
      status: 'answered',
      answer: 'Use 8080.',
      answeredBy: 'operator@test.hq',
    });
  });

  it('a digest carrying two questions asks for /answer instead of guessing which one', async () => {
    await patchSettings({
      notificationRules: { 'agent.question': { tier: 'DIGEST', lowSignal: false } },
    });
    try {
      const { claim } = await runningTask('ask-eli', 'Asks twice');
      const client = await connect(claim.mcp.url, claim.mcp.token);
      const first = await tool(client, 'ask_operator', { question: 'Tabs or spaces?' });
      const second = await tool(client, 'ask_operator', { question: 'Which licence header?' });
      await ceo().poke();
      await ceo().tick(Date.now() + 10 * MINUTE);
      const digest = await sentWith(operator, 'Which licence header?');
      expect(digest.text).toContain('Tabs or spaces?');
      await send(replyTo(operator, digest.messageId, 'Spaces.'));
      const ids = [first.questionId, second.questionId].map((id) => String(id).slice(0, 8));
      expect(await lastSaid(operator)).toMatch(
        /^That message carries 2 questions \(\w{8}, \w{8}\): answer one with \/answer <id> <answer>\.$/,
      );
      for (const id of ids) expect(await lastSaid(operator)).toContain(id);
      expect(await tool(client, 'get_answer', { questionId: first.questionId })).toMatchObject({
        status: 'waiting',
      });
    } finally {
      await patchSettings({
        notificationRules: { 'agent.question': { tier: 'IMMEDIATE', lowSignal: false } },
      });
    }
  });

  it('caps unanswered questions per task, saying so', async () => {
    const { claim } = await runningTask('ask-dee', 'Asks a lot');
    const client = await connect(claim.mcp.url, claim.mcp.token);
    for (const n of [1, 2, 3]) await tool(client, 'ask_operator', { question: `Question ${n}?` });
    expect((await tool(client, 'ask_operator', { question: 'Question 4?' })).error).toMatch(
      /already has 3 unanswered questions/,
    );
  });
});
