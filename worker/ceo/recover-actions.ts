// Retry, reassign and cancel, for an operator talking to the CEO: the same audited domain
// actions as the web app's buttons, run only after the operator confirms (chat/pending.ts).

import { DomainError } from '../errors';
import { cancelMission } from '../missions/cancel';
import { cancelTask, reassignTask, retryTask } from '../tasks/recover';
import { roleProblem } from './actions';
import type { Operator } from './reply';
import { findMission } from './views/work';

/** A task by its id or the first (at least 4) characters of it, or why it cannot be found. */
export async function findTask(
  env: Env,
  idOrPrefix: string,
): Promise<{ id: string; title: string; status: string } | string> {
  if (idOrPrefix.length < 4) return 'Give at least the first 4 characters of the task id.';
  const { results } = await env.DB.prepare(
    `SELECT id, title, status FROM tasks WHERE id = ?1 OR id LIKE ?2 ESCAPE '\\' LIMIT 2`,
  )
    .bind(idOrPrefix, `${idOrPrefix.replace(/[\\%_]/g, '\\$&')}%`)
    .all<{ id: string; title: string; status: string }>();
  if (results.length === 0) return `No task starts with ${idOrPrefix}.`;
  if (results.length > 1)
    return `More than one task starts with ${idOrPrefix}: give more of the id.`;
  return results[0] as { id: string; title: string; status: string };
}

export type RecoverTool = 'retry_task' | 'reassign_task' | 'cancel_task' | 'cancel_mission';

/** Runs one confirmed recovery tool; refusals (role, state, unknown agent) come back as text. */
export async function runRecoverTool(
  env: Env,
  operator: Operator,
  tool: RecoverTool,
  args: Record<string, string | undefined>,
  requestId: string,
): Promise<string> {
  const denied = roleProblem(operator, 'operator');
  if (denied) return denied;
  const by = { actor: operator.email, requestId };
  const reason = args.reason?.trim() || null;
  try {
    if (tool === 'cancel_mission') {
      const mission = await findMission(env, args.mission_id ?? '');
      if (typeof mission === 'string') return mission;
      const { cancelledTasks } = await cancelMission(env, by, mission.id, reason);
      return `Mission "${mission.title}" cancelled; ${cancelledTasks} open task(s) cancelled.`;
    }
    const task = await findTask(env, args.task_id ?? '');
    if (typeof task === 'string') return task;
    if (tool === 'retry_task') {
      const after = await retryTask(env, by, task.id, { agent: args.agent || null, reason });
      return `Task "${task.title}" is retried${args.agent ? ` by ${args.agent}` : ''} (now ${after.status}).`;
    }
    if (tool === 'reassign_task') {
      const after = await reassignTask(env, by, task.id, { agent: args.agent ?? '', reason });
      return `Task "${task.title}" is handed to ${args.agent} (now ${after.status}).`;
    }
    await cancelTask(env, by, task.id, { reason });
    return `Task "${task.title}" cancelled.`;
  } catch (error) {
    // The state changed since the question, or the agent is unknown: say why, change nothing.
    if (error instanceof DomainError && error.code !== 'internal') return error.message;
    throw error;
  }
}
