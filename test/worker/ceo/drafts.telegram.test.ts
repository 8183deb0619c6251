import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, signInAs } from '../support/client';
import {
  botCalls,
  callbackUpdate,
  linkChat,
  said,
  send,
  textUpdate,
  useTelegram,
} from '../telegram/support';
import { draftArgs, missionsTitled, servedWithFiles } from './drafts.support';
import { modelRequests, noModel, script, useModels } from './support';

// The operator asks for work in Telegram; the CEO drafts a mission over the repository's real
// files, proposes it, and sends it with Approve / Edit / Reject (the local Bot API and
// OpenAI-compatible stand-ins, real D1).

const MODEL = 'drafts-telegram';
const REPO = 'drafts/app';
let operator: number;
let viewer: number;

type Sent = {
  text: string;
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
};
/** The last message of a request to the model: a tool's result, when it answers one. */
const lastMessage = (request: { body: Record<string, unknown> } | undefined) =>
  ((request?.body.messages ?? []) as { role: string; content: string }[]).at(-1);

/** The draft's message (the proposal's own notification may come after it). */
const draftMessage = async (chat: number) =>
  (await botCalls(chat, 'sendMessage'))
    .map((c) => c.payload as Sent)
    .findLast((p) => p.text.includes('Draft mission')) as Sent;

beforeAll(async () => {
  await useTelegram();
  await useModels({ chat: MODEL });
  operator = await linkChat('operator@test.hq');
  viewer = await linkChat('viewer@test.hq');
  await servedWithFiles(REPO, 'drafts-runner');
});

describe('the CEO drafts a mission in Telegram', () => {
  it('over real files: fixes and drops globs, says so, proposes it with three buttons', async () => {
    const title = 'Rate limits for the search API';
    await script(MODEL, [
      {
        toolCalls: [
          { name: 'list_repository_files', args: { repository: REPO, pattern: 'search' } },
        ],
      },
      {
        toolCalls: [
          {
            name: 'draft_mission',
            args: draftArgs(REPO, title, [
              'src/search',
              'api.ts',
              'src/search/limit.ts',
              'lib/x/**',
            ]),
          },
        ],
      },
      { text: 'I drafted the rate limits.' },
    ]);
    const before = (await modelRequests(MODEL)).length;
    await send(textUpdate(operator, 'add rate limits to the search API'));
    const requests = (await modelRequests(MODEL)).slice(before);
    const files = lastMessage(requests[1]);
    expect(files?.content).toContain('src/search/api.ts');
    expect(files?.content).not.toContain('src/billing/invoice.ts');

    const [mission] = await missionsTitled(title);
    expect(mission).toMatchObject({ status: 'PROPOSED', proposedBy: 'ceo', targetBranch: 'main' });
    expect(mission?.plan[0]?.expectedScope).toEqual([
      'src/search/**',
      'src/search/api.ts',
      'src/search/limit.ts',
    ]);
    const audit = await env.DB.prepare(
      `SELECT actor FROM audit_log WHERE action = 'mission.propose' AND entity_id = ?`,
    )
      .bind(mission?.id)
      .first<{ actor: string }>();
    expect(audit?.actor).toBe('operator@test.hq');

    const sent = await draftMessage(operator);
    expect(sent.text).toMatch(/^I drafted the rate limits\.\n\nDraft mission [0-9a-f]{8}: "Rate/);
    expect(sent.text).toContain('"src/search" → "src/search/**" (a folder)');
    expect(sent.text).toContain('"api.ts" → "src/search/api.ts" (the one file of that name)');
    expect(sent.text).toContain('kept "src/search/limit.ts": a new file in an existing folder');
    expect(sent.text).toContain('dropped "lib/x/**": it matches no file of the repository');
    expect(sent.reply_markup?.inline_keyboard).toEqual([
      [
        { text: '✅ Approve', callback_data: `mission:approve:${mission?.id}@0` },
        { text: '✏️ Edit', callback_data: `mission:edit:${mission?.id}` },
        { text: '❌ Reject', callback_data: `mission:reject:${mission?.id}@0` },
      ],
    ]);

    // Approve is the existing decision: the mission is approved and its message closed.
    await send(callbackUpdate(operator, `mission:approve:${mission?.id}`));
    expect((await missionsTitled(title))[0]?.status).toBe('APPROVED');
    const edits = await botCalls(operator, 'editMessageText');
    const closed = edits.at(-1)?.payload as Sent | undefined;
    expect(closed?.text).toContain('✅ Approved by operator@test.hq');
    expect(closed?.reply_markup?.inline_keyboard ?? []).toEqual([]);
  });

  it('Edit points to the prefilled form; proposing the edit rejects the draft as replaced', async () => {
    const title = 'Search limits, to be edited';
    await script(MODEL, [
      { toolCalls: [{ name: 'draft_mission', args: draftArgs(REPO, title, ['src/search/**']) }] },
      { text: 'Drafted.' },
    ]);
    await send(textUpdate(operator, 'limit search please'));
    const [draft] = await missionsTitled(title);
    await send(callbackUpdate(operator, `mission:edit:${draft?.id}`));
    expect((await said(operator)).at(-1)).toBe(
      `Edit "${title}" in the web app: /missions?draft=${draft?.id} opens the propose form filled in from it. Proposing your version rejects this draft as replaced.`,
    );
    const cookie = await signInAs('operator@test.hq');
    const edited = await call(`/api/missions/${draft?.id}/replace`, {
      method: 'POST',
      cookie,
      json: {
        title: `${title} (edited)`,
        brief: 'Edited brief.',
        repository: REPO,
        tasks: [{ title: 'Limit', spec: 'Edited spec.', expectedScope: ['src/search/**'] }],
      },
    });
    expect(edited.status, await edited.clone().text()).toBe(201);
    const created = (await edited.json()) as { id: string; status: string; proposedBy: string };
    expect(created).toMatchObject({ status: 'PROPOSED', proposedBy: 'operator@test.hq' });
    expect((await missionsTitled(title))[0]).toMatchObject({
      status: 'REJECTED',
      decisionReason: `replaced by ${created.id}`,
    });
    // The draft is decided now: replacing it again, or its Edit button, says so.
    const again = await call(`/api/missions/${draft?.id}/replace`, {
      method: 'POST',
      cookie,
      json: {
        title: 'x',
        brief: 'x',
        repository: REPO,
        tasks: [{ title: 'x', spec: 'x', expectedScope: ['x'] }],
      },
    });
    expect(again.status).toBe(409);
    const viewerCookie = await signInAs('viewer@test.hq');
    const refused = await call(`/api/missions/${created.id}/replace`, {
      method: 'POST',
      cookie: viewerCookie,
      json: {
        title: 'x',
        brief: 'x',
        repository: REPO,
        tasks: [{ title: 'x', spec: 'x', expectedScope: ['x'] }],
      },
    });
    expect(refused.status).toBe(403);
  });

  it('with no glob left, nothing is proposed and the model is told to look at the files', async () => {
    const title = 'Nothing real in scope';
    await script(MODEL, [
      { toolCalls: [{ name: 'draft_mission', args: draftArgs(REPO, title, ['nowhere/**']) }] },
      { text: 'I could not draft it.' },
    ]);
    const before = (await modelRequests(MODEL)).length;
    await send(textUpdate(operator, 'add something nowhere'));
    const second = (await modelRequests(MODEL)).slice(before)[1];
    const result = lastMessage(second);
    expect(result?.content).toContain('Not drafted: no glob of "Limit search requests per client"');
    expect(result?.content).toContain('list_repository_files');
    expect(await missionsTitled(title)).toEqual([]);
    expect((await said(operator)).at(-1)).toBe('I could not draft it.');
  });

  it('a viewer is neither offered draft_mission nor allowed it', async () => {
    const title = 'Viewer asked for this';
    await script(MODEL, [
      { toolCalls: [{ name: 'draft_mission', args: draftArgs(REPO, title, ['src/**']) }] },
      { text: 'Not allowed.' },
    ]);
    const before = (await modelRequests(MODEL)).length;
    await send(textUpdate(viewer, 'add rate limits'));
    const [first, second] = (await modelRequests(MODEL)).slice(before);
    const offered = ((first?.body.tools ?? []) as { function: { name: string } }[]).map(
      (t) => t.function.name,
    );
    expect(offered).toContain('list_repository_files');
    expect(offered).not.toContain('draft_mission');
    const result = lastMessage(second);
    expect(result?.content).toBe(
      'Refused: draft_mission needs the operator role; the caller is viewer.',
    );
    expect(await missionsTitled(title)).toEqual([]);
  });

  it('without a model, the CEO says it cannot draft and points to the form', async () => {
    await noModel();
    await send(textUpdate(operator, 'add rate limits to the search API'));
    expect((await said(operator)).at(-1)).toContain(
      'I cannot draft missions without a model: propose one with the form at /missions.',
    );
    await useModels({ chat: MODEL });
  });
});
