import { beforeAll, describe, expect, it } from 'vitest';
import { ceo, MINUTE, noModel, patchSettings } from '../ceo/support';
import { approvedTasks, hire, newRunner } from '../ceo/work';
import { plan, propose } from '../missions/support';
import { leased, runnerCall } from '../runners/support';
import { call, signInAs } from '../support/client';
import { botCalls, callbackUpdate, linkChat, send, useTelegram } from './support';

// A review approved on the web is decided at once (the merge comes later), and a digest that
// names reviews and proposals is edited as each is decided, from whichever face. The Bot API
// stand-in shows each message and edit as Telegram would get it.

let operator: number;
let runner: Awaited<ReturnType<typeof newRunner>>;

interface Shown {
  messageId: number;
  text: string;
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
}

/** The one message the bot sent the operator whose text has `marker`. */
async function sentWith(marker: string): Promise<Shown> {
  const sent = (await botCalls(operator, 'sendMessage')).filter((c) =>
    String(c.payload.text).includes(marker),
  );
  expect(sent, `messages with "${marker}"`).toHaveLength(1);
  const [message] = sent;
  return {
    ...(message?.payload as Omit<Shown, 'messageId'>),
    messageId: (message?.result as { message_id?: number } | undefined)?.message_id ?? -1,
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

/** A task of a new mission, run by the runner and now waiting in REVIEW. */
async function inReview(title: string) {
  const [taskId = ''] = await approvedTasks(title);
  expect(await runner.claim()).toBe(taskId);
  await runner.report(taskId, 'success');
  return taskId;
}

const approveReview = async (taskId: string) => {
  const response = await call(`/api/tasks/${taskId}/review`, {
    method: 'POST',
    cookie: await signInAs('operator@test.hq'),
    json: { verdict: 'approve', comments: 'good' },
  });
  expect(response.status, await response.clone().text()).toBe(200);
};

const AT = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC';

beforeAll(async () => {
  await useTelegram();
  await noModel();
  await hire({ slug: 'rm-worker' });
  runner = await newRunner();
  operator = await linkChat('operator@test.hq');
});

describe('review and digest messages never go stale', () => {
  it('a review approved on the web edits its message at once, before the merge', async () => {
    await patchSettings({
      notificationRules: { 'task.review': { tier: 'IMMEDIATE', lowSignal: false } },
    });
    const taskId = await inReview('Approved before its merge');
    await ceo().poke();
    const review = await sentWith('"Approved before its merge"');
    expect(review.text).toContain('is ready for review');
    await approveReview(taskId);
    await ceo().poke();
    const edits = await editsOf(review.messageId);
    expect(edits).toHaveLength(1);
    expect(edits[0]?.text).toMatch(
      new RegExp(
        `is ready for review[\\s\\S]*\\n\\n✅ Approved by operator@test\\.hq at ${AT}, waiting for its merge$`,
      ),
    );
    // The merge that follows (its runner leases it, then merges) finds nothing left to edit.
    expect((await leased(runner.token)).map((t) => t.taskId)).toContain(taskId);
    const merged = await runnerCall(runner.token, `/api/runner/tasks/${taskId}/merge`, {
      json: { result: 'merged', mergeCommit: 'f00dfeed1234' },
    });
    expect(merged.status, await merged.clone().text()).toBe(200);
    await ceo().poke();
    expect(await editsOf(review.messageId)).toHaveLength(1);
  });

  it('a digest carries the proposal’s buttons; each decision edits it, naming what was decided', async () => {
    await patchSettings({
      notificationRules: {
        'task.review': { tier: 'DIGEST', lowSignal: false },
        'mission.proposed': { tier: 'DIGEST', lowSignal: false },
      },
    });
    const taskId = await inReview('Reviewed from a digest');
    const { mission } = await propose(plan({ title: 'Proposed in a digest' }));
    await ceo().poke();
    // Past the digest's delay and every proactive guard.
    await ceo().tick(Date.now() + 10 * MINUTE);
    const digest = await sentWith('Since the last update');
    expect(digest.text).toContain('"Reviewed from a digest"');
    expect(digest.text).toContain('"Proposed in a digest"');
    // Each decision's buttons name their subject: the digest carries two.
    expect(digest.reply_markup?.inline_keyboard).toEqual([
      [
        {
          text: '✅ Approve "Proposed in a digest"',
          callback_data: `mission:approve:${mission.id}@0`,
        },
        {
          text: '❌ Reject "Proposed in a digest"',
          callback_data: `mission:reject:${mission.id}@0`,
        },
      ],
      [
        { text: '✅ Approve "Reviewed from a digest"', callback_data: `task:approve:${taskId}` },
        {
          text: '✏️ Request changes "Reviewed from a digest"',
          callback_data: `task:changes:${taskId}`,
        },
      ],
    ]);

    await approveReview(taskId);
    await ceo().poke();
    const [reviewed] = await editsOf(digest.messageId);
    expect(reviewed?.text).toMatch(
      new RegExp(
        `\\n\\n"Reviewed from a digest": ✅ Approved by operator@test\\.hq at ${AT}, waiting for its merge$`,
      ),
    );
    // The review's buttons go; the proposal's stay until it is decided.
    expect(reviewed?.keyboard).not.toContain(taskId);
    expect(reviewed?.keyboard).toContain(`mission:approve:${mission.id}`);

    await send(callbackUpdate(operator, `mission:approve:${mission.id}`, digest.messageId, digest));
    await ceo().poke();
    const approved = (await editsOf(digest.messageId)).at(-1);
    expect(approved?.text).toContain(
      'waiting for its merge\n\n"Proposed in a digest": ✅ Approved',
    );
    expect(approved?.keyboard).toBe('{"inline_keyboard":[]}');
  });
});
