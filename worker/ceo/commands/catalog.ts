// The slash commands as plain data (no runtime dependencies): /help, the command menu that
// `npm run telegram:setup` registers with Telegram, and the handlers all read this one list.
import { TASK_STATUSES } from '../../../drizzle/schema/states';

export interface CommandLine {
  name: string;
  /** Arguments, as the usage line shows them ('' for none). */
  args: string;
  help: string;
  /** Who may run it; lower roles get a polite refusal. */
  minRole: 'viewer' | 'operator' | 'admin';
}

/** The nineteen commands, in the order /help lists them. */
export const COMMAND_LINES: CommandLine[] = [
  {
    name: 'start',
    args: '[link code]',
    help: 'Link this chat to your HQ account with the code from your profile page.',
    minRole: 'viewer',
  },
  { name: 'help', args: '', help: 'Every command, one line each.', minRole: 'viewer' },
  {
    name: 'status',
    args: '',
    help: 'The company at a glance: agents, open work, what waits for you, spend.',
    minRole: 'viewer',
  },
  { name: 'agents', args: '', help: 'The roster: what each agent is doing.', minRole: 'viewer' },
  {
    name: 'budget',
    args: '',
    help: 'Spend this month against each agent’s budget.',
    minRole: 'viewer',
  },
  { name: 'briefing', args: '', help: 'The morning briefing, now.', minRole: 'viewer' },
  {
    name: 'missions',
    args: '',
    help: 'Missions waiting for your decision (with buttons) and the latest decided.',
    minRole: 'viewer',
  },
  {
    name: 'approve',
    args: '<mission id>',
    help: 'Approve a proposed mission (its first characters are enough).',
    minRole: 'operator',
  },
  {
    name: 'reject',
    args: '<mission id> <reason>',
    help: 'Reject a proposed mission, saying why.',
    minRole: 'operator',
  },
  {
    name: 'tasks',
    args: `[${TASK_STATUSES.join('|')}]`,
    help: 'Open tasks, or the tasks in one state.',
    minRole: 'viewer',
  },
  {
    name: 'review',
    args: '',
    help: 'Tasks waiting for review, with scope flags.',
    minRole: 'viewer',
  },
  {
    name: 'why',
    args: '[task id]',
    help: 'Why a task is stuck (its first characters are enough): each gate, the first failing one with its fix; without an id, the stalest stuck task.',
    minRole: 'viewer',
  },
  {
    name: 'answer',
    args: '<question id> <answer>',
    help: 'Answer an agent’s question (its first characters are enough); in Telegram, replying to the question does it too.',
    // An answer steers an agent's work, as a review does.
    minRole: 'operator',
  },
  {
    name: 'digest',
    args: '',
    help: 'What waits in the digest buffer, now (the digest still goes to everyone when due).',
    minRole: 'viewer',
  },
  { name: 'scan', args: '', help: 'Run the ops scan now.', minRole: 'operator' },
  {
    name: 'mute',
    args: '[30m|2h|1d|off]',
    help: 'Hold back notifications to this chat for a while (1 hour by default); off ends it.',
    minRole: 'viewer',
  },
  {
    name: 'pause',
    args: '',
    help: 'Pause all workers: no new task is assigned.',
    minRole: 'admin',
  },
  { name: 'resume', args: '', help: 'Resume the workers.', minRole: 'admin' },
  {
    name: 'memory',
    args: '[resolve <id> | delete <id>]',
    help: 'What the CEO remembers: recent decisions, preferences, open loops; resolve or delete one.',
    // Operators, as in the API (GET /api/memory): the operator's own decisions and preferences.
    minRole: 'operator',
  },
];

/** One command's line, for its handler. */
export function line(name: string): CommandLine {
  const found = COMMAND_LINES.find((c) => c.name === name);
  if (!found) throw new Error(`no command line for /${name}`);
  return found;
}
