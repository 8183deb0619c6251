import type { TaskPlan } from '../../drizzle/schema';
import { envValue } from '../env';
import {
  type Estimate,
  estimateFrom,
  missionEstimate,
  missionEstimateReads,
  usd,
} from './estimate';

/**
 * Room for the plan under a proposal's first line. Telegram takes 4096 characters; well under
 * it leaves space for the first line (a 200-character title) and the decision line added
 * below once the mission is decided, so the message never gets cut.
 */
export const PLAN_TEXT_MAX = 3000;
/** One task's line at most: a task with a hundred globs must not crowd out the others. */
const LINE_MAX = 240;
const WARNING_MAX = 600;

const clip = (line: string) => (line.length > LINE_MAX ? `${line.slice(0, LINE_MAX - 1)}…` : line);
const taskLine = (task: TaskPlan, n: number) =>
  clip(`${n}. ${task.title} [${task.expectedScope.join(', ')}]`);

/** The web page of a mission: absolute when APP_ORIGIN says where the app is. */
export function missionLink(env: Env, id: string): string {
  const origin = envValue(env, 'APP_ORIGIN')?.replace(/\/+$/, '') ?? '';
  return `${origin}/missions/${id}`;
}

export function estimateLine(estimate: Estimate): string {
  if (!estimate.total) return 'No cost history for these agents.';
  const { medianUsd, lowUsd, highUsd } = estimate.total;
  const past = `${estimate.pastTasks} past task${estimate.pastTasks === 1 ? '' : 's'}`;
  const missing = estimate.noHistory.length
    ? `; ${estimate.noHistory.length} planned task${estimate.noHistory.length === 1 ? ' has' : 's have'} no cost history`
    : '';
  return `Estimate ~${usd(medianUsd)} (range ${usd(lowUsd)}–${usd(highUsd)}) from ${past}${missing}.`;
}

/**
 * The plan as a proposal's message shows it, above its Approve / Reject buttons: the tasks
 * (`1. title [scope globs]`) as many as fit, the rest as a link to the mission's page, then
 * the estimate and, when it exceeds a budget, a warning: what the operator needs to decide
 * without opening the app.
 */
export function planText(env: Env, id: string, plan: TaskPlan[], estimate: Estimate): string {
  const tail = [estimateLine(estimate)];
  // Many agents over budget would otherwise push every task out of the message.
  const warning = `⚠️ Over budget: ${estimate.warnings.join('; ')}.`;
  if (estimate.warnings.length)
    tail.push(warning.length > WARNING_MAX ? `${warning.slice(0, WARNING_MAX - 1)}…` : warning);
  const more = (n: number) => `+${n} more task${n === 1 ? '' : 's'}: ${missionLink(env, id)}`;
  // Room left for task lines once the tail and the longest "+N more" line are counted.
  let room = PLAN_TEXT_MAX - tail.join('\n').length - more(plan.length).length - 2;
  const lines: string[] = [];
  for (const [i, task] of plan.entries()) {
    const line = taskLine(task, i + 1);
    if (line.length + 1 > room) break;
    lines.push(line);
    room -= line.length + 1;
  }
  if (lines.length < plan.length) lines.push(more(plan.length - lines.length));
  return [...lines, ...tail].join('\n');
}

/** The plan text of a proposed mission, as it is now (null: no such mission): two round trips. */
export async function proposalPlanText(env: Env, missionId: string): Promise<string | null> {
  const found = await missionEstimate(env, missionId, Date.now());
  return found && planText(env, missionId, found.plan, found.estimate);
}

/** The plan texts of proposed missions, for a caller that reads their first trip in its batch. */
export type PlanTexts = (missionId: string) => Promise<string | null> | undefined;

/**
 * proposalPlanText for several missions (a CEO run's proposals), its first round trip as
 * statements for the caller's own batch; `from` answers for the missions read, with the
 * second trip each, and undefined for any other.
 */
export function proposalPlanReads(db: D1Database, missionIds: string[]) {
  const ids = [...new Set(missionIds)];
  return {
    statements: ids.length ? missionEstimateReads(db, ids) : [],
    from:
      (env: Env, [roster, ...missions]: D1Result[]): PlanTexts =>
      (missionId) => {
        const i = ids.indexOf(missionId);
        if (i < 0) return undefined;
        return estimateFrom(env, roster, missions[i], Date.now()).then(
          (found) => found && planText(env, missionId, found.plan, found.estimate),
        );
      },
  };
}
