import { beforeAll, describe, expect, it } from 'vitest';
import { draftArgs, missionsTitled, servedWithFiles } from '../ceo/drafts.support';
import { script, useModels } from '../ceo/support';
import { call, errorOf, signInAs } from '../support/client';

// The web chat carries a draft's Approve / Edit / Reject: the same decisions as Telegram's
// buttons and the web app's, with the caller's role checked when pressed.

const MODEL = 'drafts-web';
const REPO = 'drafts/web';

interface Reply {
  text: string;
  buttons?: { label: string; action: string }[][];
}

/** Posts one chat turn and returns its reply (the `reply` event of the stream). */
async function turn(cookie: string, body: { text?: string; action?: string }): Promise<Reply> {
  const response = await call('/api/chat', {
    method: 'POST',
    cookie,
    json: { key: crypto.randomUUID(), ...body },
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const reply = (await response.text())
    .split('\n\n')
    .find((block) => block.startsWith('event: reply'));
  return JSON.parse(reply?.split('\n')[1]?.slice(6) ?? '{}') as Reply;
}

/** Has the CEO draft a mission titled `title` for the operator; its id. */
async function drafted(cookie: string, title: string) {
  await script(MODEL, [
    { toolCalls: [{ name: 'draft_mission', args: draftArgs(REPO, title, ['src/search/**']) }] },
    { text: 'Here is the draft.' },
  ]);
  const reply = await turn(cookie, { text: `please: ${title}` });
  const [mission] = await missionsTitled(title);
  expect(reply.text).toContain(`Draft mission ${mission?.id.slice(0, 8)}: "${title}"`);
  expect(reply.buttons).toEqual([
    [
      { label: '✅ Approve', action: `mission:approve:${mission?.id}@0` },
      { label: '✏️ Edit', action: `mission:edit:${mission?.id}` },
      { label: '❌ Reject', action: `mission:reject:${mission?.id}@0` },
    ],
  ]);
  return mission?.id ?? '';
}

beforeAll(async () => {
  await useModels({ chat: MODEL });
  await servedWithFiles(REPO, 'drafts-web-runner');
});

describe('a draft in the web chat', () => {
  it('Reject rejects it, saying where it was rejected', async () => {
    const operator = await signInAs('operator@test.hq');
    const id = await drafted(operator, 'Web draft to reject');
    const rejected = await turn(operator, { action: `mission:reject:${id}` });
    expect(rejected.text).toBe('Mission "Web draft to reject" rejected.');
    expect((await missionsTitled('Web draft to reject'))[0]).toMatchObject({
      status: 'REJECTED',
      decisionReason: 'rejected in the web chat by operator@test.hq',
    });
  });

  it('Edit points to the form; Approve approves; a viewer may press neither', async () => {
    const operator = await signInAs('operator@test.hq');
    const id = await drafted(operator, 'Web draft to approve');
    expect((await turn(operator, { action: `mission:edit:${id}` })).text).toContain(
      `/missions?draft=${id} opens the propose form filled in from it.`,
    );
    const viewer = await signInAs('viewer@test.hq');
    expect((await turn(viewer, { action: `mission:approve:${id}` })).text).toBe(
      'That needs the operator role; viewer@test.hq is viewer.',
    );
    expect((await turn(viewer, { action: `mission:edit:${id}` })).text).toBe(
      'That needs the operator role; viewer@test.hq is viewer.',
    );
    const approved = await turn(operator, { action: `mission:approve:${id}` });
    expect(approved.text).toBe(
      'Mission "Web draft to approve" approved. 1 task(s) are on their way.',
    );
    expect((await turn(operator, { action: `mission:edit:${id}` })).text).toBe(
      'Mission "Web draft to approve" is APPROVED: there is no draft left to edit.',
    );
  });

  it('refuses an action that is not a button of a reply', async () => {
    const operator = await signInAs('operator@test.hq');
    const response = await call('/api/chat', {
      method: 'POST',
      cookie: operator,
      json: { key: crypto.randomUUID(), action: 'mission:delete:abcd1234' },
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields?.map((f) => f.field)).toEqual(['action']);
  });
});
