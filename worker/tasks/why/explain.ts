// "Why is it stuck": every gate between an open task and its next step, in order, each with
// its state, the fact behind it and the fix. One evaluation serves the API, the task page,
// the board's mark, /why and the ops scan.
import { loadContext, loadOpenTasks, loadTask, type TaskRow, type WhyContext } from './context';
import { heartbeatGate, mergeGate, reviewGate, runnerGate } from './running';
import type { Gate, Why } from './types';
import { waitingGates } from './waiting';

/** The gates of one task as its status has them; none for a finished task. */
function gatesOf(task: TaskRow, ctx: WhyContext): Gate[] {
  const mission = ctx.missions.get(task.mission_id);
  if (!mission) return [];
  switch (task.status) {
    case 'PENDING':
    case 'CHANGES_REQUESTED':
      return [...waitingGates(task, mission, ctx), runnerGate(task, mission, ctx)];
    case 'ASSIGNED':
      return [runnerGate(task, mission, ctx)];
    case 'RUNNING':
      return [heartbeatGate(task, ctx)];
    case 'REVIEW':
      return [task.verdict === 'approve' ? mergeGate(task, mission, ctx) : reviewGate(task, ctx)];
    default:
      return [];
  }
}

export function explain(task: TaskRow, ctx: WhyContext): Why {
  const gates = gatesOf(task, ctx);
  const firstFailing = gates.find((g) => g.state === 'fail') ?? null;
  return {
    taskId: task.id,
    title: task.title,
    status: task.status,
    since: new Date(task.since).toISOString(),
    stuck: firstFailing !== null,
    firstFailing,
    gates,
  };
}

/** One task's why, or null when there is no such task. */
export async function whyOf(env: Env, id: string, now = Date.now()): Promise<Why | null> {
  const task = await loadTask(env.DB, id);
  if (!task) return null;
  return explain(task, await loadContext(env, [task], now));
}

/** Every open task that is stuck, stalest first (oldest `since`), at most `limit`. */
export async function stuckTasks(env: Env, now = Date.now(), limit = 100): Promise<Why[]> {
  const open = await loadOpenTasks(env.DB);
  if (!open.length) return [];
  const ctx = await loadContext(env, open, now);
  return open
    .map((task) => explain(task, ctx))
    .filter((why) => why.stuck)
    .sort((a, b) => a.since.localeCompare(b.since) || a.taskId.localeCompare(b.taskId))
    .slice(0, limit);
}
