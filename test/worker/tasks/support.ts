import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import type { Gate, Why } from '../../../worker/tasks/why/types';
import { approve, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';

/**
 * A clean slate inside one test file (its D1 lives across its tests): earlier tasks
 * cancelled, agents archived, runners revoked, work not paused.
 */
export async function freshCompany() {
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      "UPDATE tasks SET status = 'CANCELLED' WHERE status NOT IN ('DONE', 'FAILED', 'CANCELLED')",
    ),
    env.DB.prepare('UPDATE agents SET archived_at = ? WHERE archived_at IS NULL').bind(now),
    env.DB.prepare('UPDATE runners SET revoked_at = ? WHERE revoked_at IS NULL').bind(now),
  ]);
  await setPaused(false);
}

export async function setPaused(paused: boolean) {
  const admin = await signInAs('admin@test.hq');
  const response = await call('/api/settings', {
    method: 'PATCH',
    cookie: admin,
    json: { workerSwitch: !paused },
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** One approved mission of one task (hints and mission fields as given); returns the task id. */
export async function oneTask(
  task: { agentHint?: string; roleHint?: string } = {},
  mission: Record<string, unknown> = {},
): Promise<{ taskId: string; missionId: string }> {
  const { mission: proposed, operator } = await propose(
    plan({
      ...mission,
      tasks: [{ title: 'The one task', spec: 'Do it.', expectedScope: ['src/**'], ...task }],
    }),
  );
  const response = await approve(proposed.id, operator);
  expect(response.status, await response.clone().text()).toBe(200);
  const body = (await response.json()) as { tasks: { id: string }[] };
  return { taskId: body.tasks[0]?.id ?? '', missionId: proposed.id };
}

export async function why(taskId: string, as = 'viewer@test.hq'): Promise<Why> {
  const response = await call(`/api/tasks/${taskId}/why`, { cookie: await signInAs(as) });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Why;
}

export function gate(found: Why, id: string): Gate {
  const g = found.gates.find((x) => x.id === id);
  if (!g) throw new Error(`no gate ${id} in ${JSON.stringify(found.gates.map((x) => x.id))}`);
  return g;
}

export async function statusOf(taskId: string): Promise<string> {
  const row = await env.DB.prepare('SELECT status FROM tasks WHERE id = ?')
    .bind(taskId)
    .first<{ status: string }>();
  return row?.status ?? '(none)';
}
