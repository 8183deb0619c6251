import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { noModel } from '../ceo/support';
import { approve, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import { botCalls, callbackUpdate, deliver, linkChat, send, useTelegram } from './support';

let operator: number;
let viewer: number;

beforeAll(async () => {
  await useTelegram();
  await noModel();
  operator = await linkChat('operator@test.hq');
  viewer = await linkChat('viewer@test.hq');
});

const missionRow = (id: string) =>
  env.DB.prepare(
    'SELECT status, decided_by AS decidedBy, decision_reason AS reason FROM missions WHERE id = ?',
  )
    .bind(id)
    .first<{ status: string; decidedBy: string | null; reason: string | null }>();

/** The proposal message a chat received for a mission, with its buttons. */
async function proposalIn(chat: number, title: string) {
  const sent = await botCalls(chat, 'sendMessage');
  const message = sent.find((c) => String(c.payload.text).includes(title));
  expect(message, `no proposal for ${title} in chat ${chat}`).toBeDefined();
  return message?.payload as {
    text: string;
    reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
  };
}

describe('mission buttons', () => {
  it('sends a proposal with Approve and Reject to every linked chat', async () => {
    const { mission } = await propose(plan({ title: 'Buttoned mission' }));
    for (const chat of [operator, viewer]) {
      const message = await proposalIn(chat, 'Buttoned mission');
      expect(message.reply_markup?.inline_keyboard).toEqual([
        [
          // @0: the revision the message shows, so a tap never approves a later edit.
          { text: '✅ Approve', callback_data: `mission:approve:${mission.id}@0` },
          { text: '❌ Reject', callback_data: `mission:reject:${mission.id}@0` },
        ],
      ]);
    }
  });

  it('refuses a tap on a proposal edited since its message, and keeps it PROPOSED', async () => {
    const { mission, operator: cookie } = await propose(plan({ title: 'Edited after sending' }));
    const message = await proposalIn(operator, 'Edited after sending');
    const tap = message.reply_markup?.inline_keyboard[0]?.[0]?.callback_data ?? '';
    const edited = await call(`/api/missions/${mission.id}`, {
      method: 'PATCH',
      cookie,
      json: { brief: 'A different plan.', reason: 'scope was wrong' },
    });
    expect(edited.status, await edited.clone().text()).toBe(200);
    await send(callbackUpdate(operator, tap));
    expect((await missionRow(mission.id))?.status).toBe('PROPOSED');
    const answers = await botCalls(undefined, 'answerCallbackQuery');
    expect(answers.map((c) => String(c.payload.text)).join('\n')).toContain(
      `Mission "Edited after sending" was edited meanwhile (now revision 1, you read 0)`,
    );
    // A button of the plan as it is now (revision 1) decides it.
    await send(callbackUpdate(operator, `mission:approve:${mission.id}@1`));
    expect((await missionRow(mission.id))?.status).toBe('APPROVED');
  });

  it('approves once however often it is tapped, answers every tap, and edits the message in every chat', async () => {
    const { mission } = await propose(plan({ title: 'Tapped mission' }));
    const taps = Array.from({ length: 6 }, () =>
      callbackUpdate(operator, `mission:approve:${mission.id}`),
    );
    const answers = await Promise.all(taps.map((tap) => deliver(tap)));
    expect(answers.map((r) => r.status)).toEqual(taps.map(() => 200));
    await send(callbackUpdate(operator, `mission:approve:${mission.id}`));
    expect(await missionRow(mission.id)).toMatchObject({
      status: 'APPROVED',
      decidedBy: 'operator@test.hq',
    });
    const decided = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM domain_events WHERE type = 'mission.decided' AND entity_id = ?`,
    )
      .bind(mission.id)
      .first<{ n: number }>();
    expect(decided?.n).toBe(1);
    const audits = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'mission.approve' AND entity_id = ?`,
    )
      .bind(mission.id)
      .first<{ n: number }>();
    expect(audits?.n).toBe(1);
    const answered = (await botCalls(undefined, 'answerCallbackQuery')).filter((c) =>
      taps.some((t) => t.callback_query?.id === c.payload.callback_query_id),
    );
    expect(answered).toHaveLength(6);
    const texts = answered.map((c) => String(c.payload.text));
    expect(
      texts.filter((t) => t === 'Mission "Tapped mission" approved. 2 task(s) are on their way.'),
    ).toHaveLength(1);
    expect(
      texts.filter((t) => t === 'Mission "Tapped mission" was already approved.'),
    ).toHaveLength(5);
    for (const chat of [operator, viewer]) {
      const edits = (await botCalls(chat, 'editMessageText')).filter((c) =>
        String(c.payload.text).includes('Tapped mission'),
      );
      expect(edits.length).toBeGreaterThanOrEqual(1);
      expect(String(edits[0]?.payload.text)).toMatch(
        /✅ Approved by operator@test\.hq at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
      );
      expect(edits[0]?.payload.reply_markup).toEqual({ inline_keyboard: [] });
    }
  });

  it('refuses a viewer’s tap with an alert, and the mission stays proposed', async () => {
    const { mission } = await propose(plan({ title: 'Viewer tapped' }));
    const tap = callbackUpdate(viewer, `mission:approve:${mission.id}`);
    await send(tap);
    const answer = (await botCalls(undefined, 'answerCallbackQuery')).find(
      (c) => c.payload.callback_query_id === tap.callback_query?.id,
    );
    expect(answer?.payload).toMatchObject({
      text: 'That needs the operator role; viewer@test.hq is viewer.',
      show_alert: true,
    });
    expect(await missionRow(mission.id)).toMatchObject({ status: 'PROPOSED' });
  });

  it('rejects from the Reject button, saying who', async () => {
    const { mission } = await propose(plan({ title: 'Rejected by tap' }));
    await send(callbackUpdate(operator, `mission:reject:${mission.id}`));
    expect(await missionRow(mission.id)).toEqual({
      status: 'REJECTED',
      decidedBy: 'operator@test.hq',
      reason: 'rejected from Telegram by operator@test.hq',
    });
    const edit = (await botCalls(viewer, 'editMessageText')).find((c) =>
      String(c.payload.text).includes('Rejected by tap'),
    );
    expect(String(edit?.payload.text)).toContain('❌ Rejected by operator@test.hq at ');
  });

  it('edits the Telegram message when the mission is decided in the web app', async () => {
    const { mission } = await propose(plan({ title: 'Decided on the web' }));
    const admin = await signInAs('admin@test.hq');
    expect((await approve(mission.id, admin)).status).toBe(200);
    const edit = (await botCalls(operator, 'editMessageText')).find((c) =>
      String(c.payload.text).includes('Decided on the web'),
    );
    expect(String(edit?.payload.text)).toContain('✅ Approved by admin@test.hq at ');
  });

  it('says a button has expired when it is not one it knows', async () => {
    const tap = callbackUpdate(operator, 'confirm:00000000-0000-0000-0000-000000000000');
    await send(tap);
    const answer = (await botCalls(undefined, 'answerCallbackQuery')).find(
      (c) => c.payload.callback_query_id === tap.callback_query?.id,
    );
    expect(String(answer?.payload.text)).toContain('no longer open');
  });
});
