import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelRequests, script, useModels } from '../ceo/support';
import { approvedTasks } from '../ceo/work';
import { hire, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import { botCalls, callbackUpdate, linkChat, said, send, textUpdate, useTelegram } from './support';

const MODEL = 'chat-tools-test';
let operator: number;
let admin: number;
let missionId = '';

type Message = { role: string; content: string | null; tool_call_id?: string };
type Sent = { text: string; reply_markup?: { inline_keyboard: { callback_data: string }[][] } };

beforeAll(async () => {
  await useTelegram();
  await useModels({ chat: MODEL });
  operator = await linkChat('operator@test.hq');
  admin = await linkChat('admin@test.hq');
  await hire({ slug: 'tools-ada', monthlyBudgetUsd: 40 });
  await approvedTasks('Tools listed task');
  missionId = (await propose(plan({ title: 'Tools waiting mission' }))).mission.id;
  await env.DB.prepare(
    `INSERT INTO memory_items (id, kind, content, created_at) VALUES (?, 'open_loop', 'Send the v3 plan to the board', ?)`,
  )
    .bind(crypto.randomUUID(), Date.now())
    .run();
});

/** The model calls `tool`, then answers; returns what the tool gave it and what the chat got. */
async function callTool(tool: string, args: Record<string, unknown> = {}) {
  const answer = `Answer after ${tool}.`;
  await script(MODEL, [{ toolCalls: [{ name: tool, args }] }, { text: answer }]);
  const before = (await modelRequests(MODEL)).length;
  await send(textUpdate(operator, `please use ${tool}`));
  const [first, second] = (await modelRequests(MODEL)).slice(before);
  const offered = ((first?.body.tools ?? []) as { function: { name: string } }[]).map(
    (t) => t.function.name,
  );
  expect(offered).toContain(tool);
  const messages = (second?.body.messages ?? []) as Message[];
  const result = messages.find((m) => m.role === 'tool');
  expect(result?.tool_call_id).toBeTruthy();
  expect((await said(operator)).at(-1)).toBe(answer);
  return result?.content ?? '';
}

describe('the conversation’s read tools', () => {
  it('get_status: the company at a glance', async () => {
    expect(await callTool('get_status')).toMatch(/^Agents: \d+/);
  });

  it('list_agents: the roster', async () => {
    expect(await callTool('list_agents')).toContain('tools-ada');
  });

  it('list_missions: what waits, with full ids', async () => {
    const result = await callTool('list_missions');
    expect(result).toContain('Tools waiting mission');
    expect(result).toContain(missionId);
  });

  it('list_tasks: open tasks, or one state; an unknown state is said so', async () => {
    expect(await callTool('list_tasks')).toContain('Tools listed task');
    expect(await callTool('list_tasks', { status: 'DONE' })).not.toContain('Tools listed task');
    expect(await callTool('list_tasks', { status: 'LOST' })).toBe('Unknown status LOST.');
  });

  it('get_review_queue: tasks waiting for review', async () => {
    expect(await callTool('get_review_queue')).toMatch(/^Waiting for review \(\d+\)/);
  });

  it('get_spend: spend against each budget', async () => {
    expect(await callTool('get_spend')).toContain('tools-ada: $0.00');
  });

  it('get_memory: decisions, preferences and open loops', async () => {
    const memory = JSON.parse(await callTool('get_memory')) as {
      openLoops: { content: string }[];
    };
    expect(memory.openLoops.map((d) => d.content)).toContain('Send the v3 plan to the board');
  });
});

describe('the conversation’s write tools', () => {
  const workerSwitch = async () => {
    const cookie = await signInAs('admin@test.hq');
    const response = await call('/api/settings', { cookie });
    return ((await response.json()) as { settings: { workerSwitch: boolean } }).settings
      .workerSwitch;
  };

  it('pause and resume run only after the admin confirms', async () => {
    await script(MODEL, [
      { toolCalls: [{ name: 'pause_workers', args: {} }] },
      { text: 'Pause all workers? Confirm below.' },
      { toolCalls: [{ name: 'resume_workers', args: {} }] },
      { text: 'Resume the workers? Confirm below.' },
    ]);
    await send(textUpdate(admin, 'pause everything'));
    const question = (await botCalls(admin, 'sendMessage')).at(-1)?.payload as Sent;
    expect(question.text).toMatch(/^Pause all workers\? Confirm below\.\n\nPause all workers: /);
    const [confirm] = question.reply_markup?.inline_keyboard[0] ?? [];
    expect(confirm?.callback_data).toMatch(/^confirm:/);
    expect(await workerSwitch()).toBe(true); // asked, not done
    await send(callbackUpdate(admin, confirm?.callback_data ?? ''));
    expect(await workerSwitch()).toBe(false);
    expect((await said(admin)).at(-1)).toContain('Workers paused');

    await send(textUpdate(admin, 'resume them'));
    expect(await workerSwitch()).toBe(false);
    await send(textUpdate(admin, 'yes'));
    expect(await workerSwitch()).toBe(false); // a bare yes names nothing
    const code = /reply "confirm ([0-9a-f]{4})"/.exec((await said(admin)).at(-1) ?? '')?.[1];
    await send(textUpdate(admin, `confirm ${code}`));
    expect(await workerSwitch()).toBe(true);
    expect((await said(admin)).at(-1)).toContain('Workers resumed');
  });
});
