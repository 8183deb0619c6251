import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { proposeAction, settleAction } from '../../../worker/ceo/chat/pending';
import { describeWrite, WRITE_TOOL_NAMES } from '../../../worker/ceo/chat/tools';
import { readSettings } from '../../../worker/settings/store';
import { approve, hire, type MissionBody, propose } from './support';

const operator = { email: 'operator@test.hq', role: 'operator' as const };
const viewer = { email: 'viewer@test.hq', role: 'viewer' as const };

/** Proposes a write as the chat does, then confirms it as `who`; returns the reply text. */
async function confirmAs(
  who: typeof operator | typeof viewer,
  tool: string,
  args: Record<string, unknown>,
) {
  const plan = await describeWrite(env, tool, args);
  if (!('summary' in plan)) throw new Error(plan.problem);
  const now = Date.now();
  const { id } = await proposeAction(
    env,
    { conversationId: `conv-${tool}-${now}`, email: who.email, tool, args, summary: plan.summary },
    now,
  );
  const reply = await settleAction(
    env,
    await readSettings(env),
    who,
    `confirm:${id}`,
    `req-${id}`,
    now,
  );
  return reply?.text ?? '';
}

const statusOf = async (table: 'tasks' | 'missions', id: string) =>
  (
    await env.DB.prepare(`SELECT status FROM ${table} WHERE id = ?`).bind(id).first<{
      status: string;
    }>()
  )?.status;

describe('the CEO recovers work after the operator confirms', () => {
  it('declares the four tools as writes, and cancels a task and a mission on confirmation', async () => {
    for (const tool of ['retry_task', 'reassign_task', 'cancel_task', 'cancel_mission'])
      expect(WRITE_TOOL_NAMES.has(tool)).toBe(true);
    await hire({ slug: 'ceo-tools-a' }, { slug: 'ceo-tools-b' });
    const { mission, operator: cookie } = await propose({
      title: 'CEO tools mission',
      brief: 'b',
      repository: 'acme/app',
      tasks: ['first', 'second'].map((title) => ({
        title,
        spec: 's',
        expectedScope: ['src/**'],
        agentHint: 'ceo-tools-a',
      })),
    });
    const body = (await (await approve(mission.id, cookie)).json()) as MissionBody;
    const [first, second] = body.tasks.map((t) => t.id) as [string, string];

    // A viewer who confirms is told why not, and nothing changes.
    expect(await confirmAs(viewer, 'cancel_task', { task_id: first })).toContain('operator');
    expect(await statusOf('tasks', first)).toBe('ASSIGNED');

    const reassigned = await confirmAs(operator, 'reassign_task', {
      task_id: first.slice(0, 8),
      agent: 'ceo-tools-b',
    });
    expect(reassigned).toContain('ceo-tools-b');
    expect(
      await env.DB.prepare('SELECT agent_hint FROM tasks WHERE id = ?').bind(first).first(),
    ).toEqual({ agent_hint: 'ceo-tools-b' });

    expect(await confirmAs(operator, 'cancel_task', { task_id: second })).toContain('cancelled');
    expect(await statusOf('tasks', second)).toBe('CANCELLED');
    expect(await describeWrite(env, 'retry_task', { task_id: second })).toHaveProperty('problem');

    expect(await confirmAs(operator, 'cancel_mission', { mission_id: mission.id })).toContain(
      'cancelled',
    );
    expect(await statusOf('missions', mission.id)).toBe('CANCELLED');
    expect(await statusOf('tasks', first)).toBe('CANCELLED');
  });
});
