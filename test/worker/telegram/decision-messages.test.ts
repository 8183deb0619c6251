import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../worker/events/types';
import { readSettings } from '../../../worker/settings/store';
import { closeDecisionsOfRun } from '../../../worker/telegram/edits';
import { ceo, noModel, patchSettings } from '../ceo/support';
import { approvedTasks, hire, newRunner } from '../ceo/work';
import { countingDb } from '../missions/counting-db';
import { approve, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import {
  botCalls,
  callbackUpdate,
  linkChat,
  scriptBot,
  send,
  textUpdate,
  useTelegram,
} from './support';

// Every message that carries a decision's buttons is closed when the decision is made,
// whichever face made it: the Bot API stand-in shows each edit as Telegram would get it.

let operator: number;

beforeAll(async () => {
  await useTelegram();
  await noModel();
  operator = await linkChat('operator@test.hq');
});

interface Shown {
  messageId: number;
  text: string;
  reply_markup: { inline_keyboard: { text: string; callback_data: string }[][] };
}

/** The message_id Telegram gave a message the bot sent. */
const messageIdOf = (sent: { result?: unknown } | undefined) =>
  (sent?.result as { message_id?: number } | undefined)?.message_id ?? -1;

const LIST = 'Waiting for your decision';

/** The message the bot sent to the operator whose text has `marker` and buttons name `action`. */
async function sentWith(marker: string, action: string): Promise<Shown> {
  const sent = (await botCalls(operator, 'sendMessage')).filter(
    (c) =>
      String(c.payload.text).includes(marker) &&
      // The proposal is the message that is not the /missions list (which names it too).
      (marker === LIST || !String(c.payload.text).includes(LIST)) &&
      JSON.stringify(c.payload.reply_markup ?? {}).includes(action),
  );
  expect(sent, `no message "${marker}" with ${action}`).toHaveLength(1);
  const [message] = sent;
  return {
    messageId: messageIdOf(message),
    text: String(message?.payload.text),
    reply_markup: message?.payload.reply_markup as Shown['reply_markup'],
  };
}

/** The edits Telegram accepted for one of the operator's messages, in order. */
async function editsOf(messageId: number) {
  return (await botCalls(operator, 'editMessageText'))
    .filter((c) => c.payload.message_id === messageId && c.result)
    .map((c) => ({
      text: String(c.payload.text),
      actions: JSON.stringify(c.payload.reply_markup ?? {}),
    }));
}

const decisions = async (missionId: string) =>
  (
    await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM domain_events WHERE type = 'mission.decided' AND entity_id = ?`,
    )
      .bind(missionId)
      .first<{ n: number }>()
  )?.n;

/** A proposed mission's proposal notification and a /missions reply listing it. */
async function proposedAndListed(title: string) {
  const { mission } = await propose(plan({ title }));
  await send(textUpdate(operator, '/missions'));
  const action = `mission:approve:${mission.id}`;
  return {
    mission,
    proposal: await sentWith(title, action),
    list: await sentWith(LIST, action),
  };
}

const APPROVED_BY = (who: string) =>
  new RegExp(
    `✅ Approved by ${who.replace('.', '\\.')} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`,
  );

describe('decision buttons never go stale', () => {
  it('a task review decided in the web edits the Telegram review message', async () => {
    await patchSettings({
      notificationRules: { 'task.review': { tier: 'IMMEDIATE', lowSignal: false } },
    });
    await hire({ slug: 'dm-worker' });
    const runner = await newRunner();
    const [taskId = ''] = await approvedTasks('Reviewed on the web');
    // First in the file, so no other mission's task is waiting to be claimed before it.
    expect(await runner.claim()).toBe(taskId);
    await runner.report(taskId, 'success');
    await ceo().poke();
    const review = (await botCalls(operator, 'sendMessage')).find((c) =>
      String(c.payload.text).includes('"Reviewed on the web"'),
    );
    expect(String(review?.payload.text)).toContain('is ready for review');
    const messageId = messageIdOf(review);
    const reviewed = await call(`/api/tasks/${taskId}/review`, {
      method: 'POST',
      cookie: await signInAs('operator@test.hq'),
      json: { verdict: 'changes', comments: 'name it better' },
    });
    expect(reviewed.status, await reviewed.clone().text()).toBe(200);
    await ceo().poke();
    expect((await editsOf(messageId)).at(-1)?.text).toMatch(
      /is ready for review.*\n\n✏️ Changes requested by operator@test\.hq at .* UTC$/s,
    );
  });
  it('an Approve tap on a /missions reply edits that reply and the proposal notification', async () => {
    const { mission, proposal, list } = await proposedAndListed('Approved from the list');
    await send(callbackUpdate(operator, `mission:approve:${mission.id}`, list.messageId, list));
    await ceo().poke();
    const listEdit = (await editsOf(list.messageId)).at(-1);
    expect(listEdit?.text).toMatch(APPROVED_BY('operator@test.hq'));
    expect(listEdit?.text).toContain(LIST);
    expect(listEdit?.actions).not.toContain(mission.id);
    const proposalEdit = (await editsOf(proposal.messageId)).at(-1);
    expect(proposalEdit?.text).toMatch(APPROVED_BY('operator@test.hq'));
    expect(proposalEdit?.actions).toBe('{"inline_keyboard":[]}');
  });

  it('approving in the web API edits both; a later Reject tap there answers how it stands and decides nothing', async () => {
    const { mission, proposal, list } = await proposedAndListed('Approved on the web');
    const admin = await signInAs('admin@test.hq');
    expect((await approve(mission.id, admin)).status).toBe(200);
    await ceo().poke();
    for (const message of [list, proposal]) {
      const edit = (await editsOf(message.messageId)).at(-1);
      expect(edit?.text).toMatch(APPROVED_BY('admin@test.hq'));
      expect(edit?.actions).not.toContain(mission.id);
    }
    // A client that still shows the old buttons (Telegram sends the message as it shows it).
    const tap = callbackUpdate(operator, `mission:reject:${mission.id}`, list.messageId, list);
    const editsBefore = (await editsOf(list.messageId)).length;
    await send(tap);
    const answer = (await botCalls(undefined, 'answerCallbackQuery')).find(
      (c) => c.payload.callback_query_id === tap.callback_query?.id,
    );
    expect(String(answer?.payload.text)).toMatch(
      /^"Approved on the web" is decided: ✅ Approved by admin@test\.hq at .* UTC\.$/,
    );
    const row = await env.DB.prepare('SELECT status FROM missions WHERE id = ?')
      .bind(mission.id)
      .first<{ status: string }>();
    expect(row?.status).toBe('APPROVED');
    expect(await decisions(mission.id)).toBe(1);
    const fixed = await editsOf(list.messageId);
    expect(fixed.length).toBe(editsBefore + 1);
    expect(fixed.at(-1)?.actions).not.toContain(mission.id);
  });

  it('a stale tap fixes a message whose edit Telegram refused for a while', async () => {
    const { mission, proposal } = await proposedAndListed('Edit refused at first');
    await scriptBot({ method: 'editMessageText', chatId: String(operator), times: 2, status: 502 });
    const admin = await signInAs('admin@test.hq');
    expect((await approve(mission.id, admin)).status).toBe(200);
    await ceo().poke();
    expect(await editsOf(proposal.messageId)).toEqual([]);
    // The tap carries only a stub of the message: the recorded one is what gets fixed.
    await send(callbackUpdate(operator, `mission:approve:${mission.id}`, proposal.messageId));
    const edit = (await editsOf(proposal.messageId)).at(-1);
    expect(edit?.text).toMatch(APPROVED_BY('admin@test.hq'));
    expect(edit?.actions).toBe('{"inline_keyboard":[]}');
    expect(await decisions(mission.id)).toBe(1);
  });

  it('a tapped Confirm / Cancel loses its buttons, whatever the answer', async () => {
    const tap = callbackUpdate(operator, 'cancel:00000000-0000-0000-0000-000000000000', 77, {
      text: 'Approve the mission?',
      reply_markup: { inline_keyboard: [[{ text: '✖ Cancel', callback_data: 'cancel:0' }]] },
    });
    await send(tap);
    const cleared = (await botCalls(operator, 'editMessageReplyMarkup')).filter(
      (c) => c.payload.message_id === 77,
    );
    expect(cleared.map((c) => c.payload.reply_markup)).toEqual([{ inline_keyboard: [] }]);
  });

  it('a run that closes two decisions of one message reads it once, and again after the first edit', async () => {
    const first = await propose(plan({ title: 'Run decision one' }));
    const second = await propose(plan({ title: 'Run decision two' }));
    await send(textUpdate(operator, '/missions'));
    const list = await sentWith(LIST, `mission:approve:${second.mission.id}`);
    const proposals = [
      await sentWith('Run decision one', `mission:approve:${first.mission.id}`),
      await sentWith('Run decision two', `mission:approve:${second.mission.id}`),
    ];
    // Two decisions as a CEO run meets them (built here: deciding through the API would poke
    // the CEO, which would close them itself).
    const decided = (mission: { id: string }, title: string, verdict: 'APPROVED' | 'REJECTED') =>
      ({
        type: 'mission.decided',
        missionId: mission.id,
        title,
        verdict,
        actor: 'admin@test.hq',
        reason: null,
        id: 0,
        at: '2032-05-03T09:00:00.000Z',
      }) as DomainEvent;
    const counting = countingDb();
    const counted = { ...env, DB: counting.db };
    const run = closeDecisionsOfRun(counted, await readSettings(env), [
      decided(first.mission, 'Run decision one', 'APPROVED'),
      decided(second.mission, 'Run decision two', 'REJECTED'),
    ]);
    expect(run.statements).toHaveLength(1);
    await run.show(await counted.DB.batch(run.statements));
    // The read; each proposal's edit recorded; the list's first edit recorded, its second read
    // again (the first changed it) and recorded.
    expect(counting.trips()).toBe(6);
    const listEdit = (await editsOf(list.messageId)).at(-1);
    expect(listEdit?.text).toContain('"Run decision one": ✅ Approved by admin@test.hq');
    expect(listEdit?.text).toContain('"Run decision two": ❌ Rejected by admin@test.hq');
    expect(listEdit?.actions).not.toContain(first.mission.id);
    expect(listEdit?.actions).not.toContain(second.mission.id);
    expect((await editsOf(proposals[0]?.messageId ?? -1)).at(-1)?.text).toMatch(/✅ Approved/);
    expect((await editsOf(proposals[1]?.messageId ?? -1)).at(-1)?.text).toMatch(/❌ Rejected/);
  });
});
