import type OpenAI from 'openai';
import { type Role, TASK_STATUSES } from '../../../drizzle/schema';
import { roleAtLeast } from '../../auth/roles';
import { memoryContext } from '../../memory/store';
import { repositoryFilesText } from '../drafts/files';
import { draftParameters } from '../drafts/schema';
import { findTask } from '../recover-actions';
import { agentsText, budgetText, statusText } from '../views/company';
import { findMission, missionsReply, reviewText, tasksText } from '../views/work';

type Tool = OpenAI.Chat.ChatCompletionTool;

/** Each tool's minimum role, the same as the API route of the same data or action. */
const MIN_ROLE = new Map<string, Role>();

const fn = (
  name: string,
  minRole: Role,
  description: string,
  properties: Record<string, unknown> = {},
  required: string[] = [],
): Tool => {
  MIN_ROLE.set(name, minRole);
  return {
    type: 'function',
    function: {
      name,
      description,
      parameters: { type: 'object', properties, required, additionalProperties: false },
    },
  };
};

/** Tools that only read: the model may call them freely. */
export const READ_TOOLS: Tool[] = [
  fn('get_status', 'viewer', 'The company at a glance: agents, open tasks, what waits, spend.'),
  fn('list_agents', 'viewer', 'The roster and what each agent is doing.'),
  fn(
    'list_missions',
    'viewer',
    'Missions waiting for a decision, and recently decided ones, with ids.',
  ),
  fn('list_tasks', 'viewer', 'Open tasks, or the tasks in one state.', {
    status: { type: 'string', enum: [...TASK_STATUSES] },
  }),
  fn('get_review_queue', 'viewer', 'Tasks waiting for review, with scope flags.'),
  fn('get_spend', 'viewer', 'Spend this month against each agent’s budget.'),
  fn('get_memory', 'operator', 'Recent decisions, preferences and open loops the CEO remembers.'),
  fn(
    'list_repository_files',
    'viewer',
    'The tracked files of a served repository as its runner last reported them; pattern narrows (a glob like src/**/*.ts, or a substring).',
    { repository: { type: 'string' }, pattern: { type: 'string' } },
    ['repository'],
  ),
];

/**
 * Drafting: the mission is proposed at once (PROPOSED, never approved) and shown with
 * Approve / Edit / Reject, so it asks for no Confirm: approving is the operator's decision.
 */
export const DRAFT_TOOL: Tool = (() => {
  const tool = fn(
    'draft_mission',
    'operator',
    'Draft and propose a mission the operator asked for: a served repository, tasks with specs and expected scopes over real paths (look with list_repository_files first). Globs matching no file are fixed or dropped and the operator is told.',
  );
  (tool as { function: { parameters: unknown } }).function.parameters = draftParameters();
  return tool;
})();

/** Tools that change something: never run before the operator confirms. */
export const WRITE_TOOLS: Tool[] = [
  fn(
    'approve_mission',
    'operator',
    'Approve a proposed mission (asks the operator to confirm first).',
    { mission_id: { type: 'string' } },
    ['mission_id'],
  ),
  fn(
    'reject_mission',
    'operator',
    'Reject a proposed mission with a reason (asks the operator to confirm first).',
    { mission_id: { type: 'string' }, reason: { type: 'string' } },
    ['mission_id', 'reason'],
  ),
  fn('pause_workers', 'admin', 'Stop assigning new tasks (asks the operator to confirm first).'),
  fn('resume_workers', 'admin', 'Assign tasks again (asks the operator to confirm first).'),
  fn(
    'retry_task',
    'operator',
    'Retry a FAILED task, optionally with another agent (asks the operator to confirm first).',
    {
      task_id: { type: 'string' },
      agent: { type: 'string', description: 'Slug of the agent to hand it to.' },
      reason: { type: 'string' },
    },
    ['task_id'],
  ),
  fn(
    'reassign_task',
    'operator',
    'Hand a PENDING or ASSIGNED task to another agent (asks the operator to confirm first).',
    { task_id: { type: 'string' }, agent: { type: 'string' }, reason: { type: 'string' } },
    ['task_id', 'agent'],
  ),
  fn(
    'cancel_task',
    'operator',
    'Cancel an open task; a running one stops (asks the operator to confirm first).',
    { task_id: { type: 'string' }, reason: { type: 'string' } },
    ['task_id'],
  ),
  fn(
    'cancel_mission',
    'operator',
    'Cancel an approved or failed mission and its open tasks (asks the operator to confirm first).',
    { mission_id: { type: 'string' }, reason: { type: 'string' } },
    ['mission_id'],
  ),
];

const nameOf = (t: Tool) => (t as { function: { name: string } }).function.name;

export const WRITE_TOOL_NAMES = new Set(WRITE_TOOLS.map(nameOf));

/** A tool's minimum role (undefined for no such tool). */
export const toolMinRole = (name: string): Role | undefined => MIN_ROLE.get(name);

/** The tools the model is offered for someone of `role`: only those they may use. */
export const toolsFor = (role: Role): Tool[] =>
  [...READ_TOOLS, DRAFT_TOOL, ...WRITE_TOOLS].filter((t) => toolRefusal(nameOf(t), role) === null);

/**
 * Why someone of `role` may not use the tool `name`, or null when they may. Checked again
 * on every call: a model may name a tool it was not offered.
 */
export function toolRefusal(name: string, role: Role): string | null {
  const min = MIN_ROLE.get(name);
  if (!min) return `There is no tool ${name}.`;
  return roleAtLeast(role, min)
    ? null
    : `Refused: ${name} needs the ${min} role; the caller is ${role}.`;
}

/** Runs a read tool; unknown names and bad arguments come back as text the model can read. */
export async function runReadTool(
  env: Env,
  name: string,
  args: Record<string, unknown>,
  now: number,
): Promise<string> {
  switch (name) {
    case 'get_status':
      return statusText(env, now);
    case 'list_agents':
      return agentsText(env, now);
    case 'list_missions': {
      const reply = await missionsReply(env);
      const ids = reply.buttons?.map((row) => row[0]?.action.split(':')[2]).filter(Boolean) ?? [];
      return `${reply.text}\nFull ids of the waiting missions: ${ids.join(', ') || 'none'}.`;
    }
    case 'list_tasks': {
      const status = typeof args.status === 'string' ? args.status.toUpperCase() : null;
      if (status && !(TASK_STATUSES as readonly string[]).includes(status))
        return `Unknown status ${status}.`;
      return tasksText(env, status);
    }
    case 'get_review_queue':
      return reviewText(env);
    case 'get_spend':
      return budgetText(env, now);
    case 'get_memory':
      return JSON.stringify(await memoryContext(env));
    case 'list_repository_files':
      return repositoryFilesText(env, args);
    default:
      return `There is no tool ${name}.`;
  }
}

/** What a write tool would do, in words for the operator, or why it cannot be proposed. */
export async function describeWrite(
  env: Env,
  name: string,
  args: Record<string, unknown>,
): Promise<{ summary: string } | { problem: string }> {
  if (name === 'pause_workers') return { summary: 'Pause all workers: no new task is assigned.' };
  if (name === 'resume_workers')
    return { summary: 'Resume the workers: waiting tasks are assigned again.' };
  if (name.endsWith('_task')) return describeTaskWrite(env, name, args);
  const id = typeof args.mission_id === 'string' ? args.mission_id : '';
  const mission = await findMission(env, id);
  if (typeof mission !== 'string' && name === 'cancel_mission')
    return mission.status === 'APPROVED' || mission.status === 'FAILED'
      ? { summary: `Cancel mission "${mission.title}" and its open tasks.` }
      : {
          problem: `Mission "${mission.title}" is ${mission.status}: only an approved or failed one is cancelled.`,
        };
  if (typeof mission === 'string') return { problem: mission };
  if (mission.status !== 'PROPOSED')
    return { problem: `Mission "${mission.title}" is already ${mission.status}.` };
  if (name === 'approve_mission') return { summary: `Approve mission "${mission.title}".` };
  const reason = typeof args.reason === 'string' ? args.reason.trim() : '';
  if (!reason) return { problem: 'A rejection needs a reason.' };
  return { summary: `Reject mission "${mission.title}": ${reason}` };
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** What a task write would do, checked against the task's state now. */
async function describeTaskWrite(
  env: Env,
  name: string,
  args: Record<string, unknown>,
): Promise<{ summary: string } | { problem: string }> {
  const task = await findTask(env, text(args.task_id));
  if (typeof task === 'string') return { problem: task };
  const agent = text(args.agent);
  const why = text(args.reason) ? `: ${text(args.reason)}` : '';
  if (name === 'retry_task')
    return task.status === 'FAILED'
      ? { summary: `Retry task "${task.title}"${agent ? ` with ${agent}` : ''}${why}.` }
      : { problem: `Task "${task.title}" is ${task.status}; only a failed task is retried.` };
  if (name === 'reassign_task') {
    if (!agent) return { problem: 'Say which agent (slug) takes the task.' };
    return task.status === 'PENDING' || task.status === 'ASSIGNED'
      ? { summary: `Hand task "${task.title}" to ${agent}${why}.` }
      : { problem: `Task "${task.title}" is ${task.status}; only a waiting task is reassigned.` };
  }
  return ['DONE', 'FAILED', 'CANCELLED'].includes(task.status)
    ? { problem: `Task "${task.title}" is already ${task.status}.` }
    : { summary: `Cancel task "${task.title}"${why}.` };
}
