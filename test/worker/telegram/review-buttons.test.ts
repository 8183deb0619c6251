import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ceo, noModel, patchSettings } from '../ceo/support';
import { approvedTasks, hire, newRunner } from '../ceo/work';
import {
  botCalls,
  callbackUpdate,
  linkChat,
  newChat,
  said,
  send,
  textUpdate,
  useTelegram,
} from './support';

// A task's ready-for-review message on Telegram decides its review: Approve at once, Request
// changes with the person's next text as the comment. Against the local Bot API stand-in.

let operator: number;
let viewer: number;
let runner: Awaited<ReturnType<typeof newRunner>>;

beforeAll(async () => {
  await useTelegram();
  await noModel();
  await patchSettings({
    notificationRules: { 'task.review': { tier: 'IMMEDIATE', lowSignal: false } },
  });
  await hire({ slug: 'rb-worker' });
  runner = await newRunner();
  operator = await linkChat('operator@test.hq');
  viewer = await linkChat('viewer@test.hq');
});

interface Shown {
  messageId: number;
  text: string;
  reply_markup?: unknown;
}

/** A task run and reported, now in REVIEW, and its ready-for-review message to the operator. */
async function inReview(title: string): Promise<{ taskId: string; review: Shown }> {
  const [taskId = ''] = await approvedTasks(title);
  expect(await runner.claim()).toBe(taskId);
  await runner.report(taskId, 'success');
  await ceo().poke();
  const sent = (await botCalls(operator, 'sendMessage')).find((c) =>
    String(c.payload.text).startsWith(`Task "${title}"`),
  );
  expect(sent, `no review message for ${title}`).toBeDefined();
  return {
    taskId,
    review: {
      messageId: (sent?.result as { message_id?: number } | undefined)?.message_id ?? -1,
      text: String(sent?.payload.text),
      reply_markup: sent?.payload.reply_markup,
    },
  };
}

const task = (id: string) =>
  env.DB.prepare('SELECT status, verdict, review_comments AS comments FROM tasks WHERE id = ?')
    .bind(id)
    .first<{ status: string; verdict: string | null; comments: string | null }>();

const audits = async (id: string, action: string) =>
  (
    await env.DB.prepare(
      'SELECT actor, request_id AS requestId FROM audit_log WHERE entity_id = ? AND action = ?',
    )
      .bind(id, action)
      .all<{ actor: string; requestId: string }>()
  ).results;

/** The answer Telegram got for one tap. */
async function answerTo(tap: ReturnType<typeof callbackUpdate>) {
  const answer = (await botCalls(undefined, 'answerCallbackQuery')).find(
    (c) => c.payload.callback_query_id === tap.callback_query?.id,
  );
  return answer?.payload as { text?: string; show_alert?: boolean } | undefined;
}

const lastEdit = async (chat: number, messageId: number) =>
  (await botCalls(chat, 'editMessageText'))
    .filter((c) => c.payload.message_id === messageId && c.result)
    .at(-1)?.payload as { text: string; reply_markup?: unknown } | undefined;

describe('review buttons on Telegram', () => {
  it('Approve reviews the task through reviewTask, audited, and edits its message', async () => {
    const { taskId, review } = await inReview('Approved by tap');
    const tap = callbackUpdate(operator, `task:approve:${taskId}`, review.messageId, review);
    await send(tap);
    expect(await task(taskId)).toMatchObject({ status: 'REVIEW', verdict: 'approve' });
    const [audit] = await audits(taskId, 'task.review.approve');
    expect(audit).toEqual({ actor: 'operator@test.hq', requestId: `tg-${tap.update_id}` });
    expect((await answerTo(tap))?.text).toMatch(/^Approved "Approved by tap": its runner merges/);
    await ceo().poke();
    const edit = await lastEdit(operator, review.messageId);
    expect(edit?.text).toMatch(
      /\n\n✅ Approved by operator@test\.hq at .* UTC, waiting for its merge$/,
    );
    expect(edit?.reply_markup).toEqual({ inline_keyboard: [] });

    // A second tap (a stale client) decides nothing and says how it stands.
    const again = callbackUpdate(operator, `task:approve:${taskId}`, review.messageId, review);
    await send(again);
    expect(await answerTo(again)).toMatchObject({ show_alert: true });
    expect((await answerTo(again))?.text).toMatch(
      /^"Approved by tap" is decided: ✅ Approved by operator@test\.hq at .* UTC, waiting for its merge\.$/,
    );
    expect(await audits(taskId, 'task.review.approve')).toHaveLength(1);
  });

  it('refuses a viewer, an unlinked chat and a stranger in a linked chat', async () => {
    const { taskId } = await inReview('Refused taps');
    const byViewer = callbackUpdate(viewer, `task:approve:${taskId}`);
    await send(byViewer);
    expect(await answerTo(byViewer)).toEqual({
      callback_query_id: byViewer.callback_query?.id,
      text: 'That needs the operator role; viewer@test.hq is viewer.',
      show_alert: true,
    });
    const viewerChanges = callbackUpdate(viewer, `task:changes:${taskId}`);
    await send(viewerChanges);
    expect((await answerTo(viewerChanges))?.text).toContain('needs the operator role');
    const unlinked = callbackUpdate(newChat(), `task:approve:${taskId}`);
    await send(unlinked);
    expect((await answerTo(unlinked))?.text).toContain('answers only the operators');
    const stranger = callbackUpdate(operator, `task:approve:${taskId}`, 1, undefined, {
      from: newChat(),
    });
    await send(stranger);
    expect((await answerTo(stranger))?.text).toContain('answers only the operators');
    expect(await task(taskId)).toEqual({ status: 'REVIEW', verdict: null, comments: null });
    expect(await audits(taskId, 'task.review.approve')).toEqual([]);
  });

  it('/cancel drops the ask: the next text is a conversation again', async () => {
    const { taskId, review } = await inReview('Cancelled ask');
    await send(callbackUpdate(operator, `task:changes:${taskId}`, review.messageId, review));
    await send(textUpdate(operator, '/cancel'));
    expect((await said(operator)).at(-1)).toBe(
      'Dropped: no changes requested in "Cancelled ask". It still waits for your review.',
    );
    await send(textUpdate(operator, 'How is the company doing?'));
    expect(await task(taskId)).toMatchObject({ status: 'REVIEW', verdict: null });
    await send(textUpdate(operator, '/cancel'));
    expect((await said(operator)).at(-1)).toBe('Nothing to cancel.');
  });

  it('an ask expires after 30 minutes: a later text is not the comment', async () => {
    const { taskId, review } = await inReview('Expired ask');
    await send(callbackUpdate(operator, `task:changes:${taskId}`, review.messageId, review));
    // 31 minutes later, as far as the ask is concerned.
    await env.DB.prepare(
      `UPDATE pending_actions SET created_at = created_at - ?1, expires_at = expires_at - ?1
       WHERE conversation_id = ? AND outcome IS NULL`,
    )
      .bind(31 * 60_000, `telegram-review:${operator}`)
      .run();
    await send(textUpdate(operator, 'Too late to be a comment.'));
    expect(await task(taskId)).toMatchObject({ status: 'REVIEW', verdict: null });
    expect(await audits(taskId, 'task.review.changes')).toEqual([]);
  });

  it('Request changes asks for the comment; the next text is it, and the task goes back', async () => {
    const { taskId, review } = await inReview('Changed by reply');
    await send(callbackUpdate(operator, `task:changes:${taskId}`, review.messageId, review));
    expect((await said(operator)).at(-1)).toBe(
      'What should change in "Changed by reply"? Reply with your comment. (/cancel drops it; I wait 30 minutes.)',
    );
    const ask = await env.DB.prepare(
      `SELECT expires_at - created_at AS waits, user_email AS email FROM pending_actions
       WHERE conversation_id = ? AND outcome IS NULL`,
    )
      .bind(`telegram-review:${operator}`)
      .first<{ waits: number; email: string }>();
    expect(ask).toEqual({ waits: 30 * 60_000, email: 'operator@test.hq' });
    const askId = (await botCalls(operator, 'sendMessage')).at(-1)?.result as {
      message_id: number;
    };

    const comment = textUpdate(operator, 'Name the button "Save", not "OK".');
    await send(comment);
    // Sent back and dispatched again at once: its agent is idle.
    expect(await task(taskId)).toEqual({
      status: 'ASSIGNED',
      verdict: 'changes',
      comments: 'Name the button "Save", not "OK".',
    });
    expect(await audits(taskId, 'task.review.changes')).toEqual([
      { actor: 'operator@test.hq', requestId: `tg-${comment.update_id}` },
    ]);
    const moved = await env.DB.prepare(
      `SELECT actor, reason FROM task_events WHERE task_id = ? AND to_status = 'CHANGES_REQUESTED'`,
    )
      .bind(taskId)
      .first();
    expect(moved).toEqual({
      actor: 'operator@test.hq',
      reason: 'Name the button "Save", not "OK".',
    });
    expect((await said(operator)).at(-1)).toBe(
      'Changes requested in "Changed by reply": its agent takes your comment.',
    );
    await ceo().poke();
    // Both the review message and the question are closed with the outcome.
    for (const messageId of [review.messageId, askId.message_id])
      expect((await lastEdit(operator, messageId))?.text).toMatch(
        /\n\n✏️ Changes requested by operator@test\.hq at .* UTC$/,
      );
  });
});
