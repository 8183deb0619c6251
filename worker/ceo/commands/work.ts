import { TASK_STATUSES } from '../../../drizzle/schema';
import { decideMission } from '../actions';
import { missionsReply, reviewText, tasksText } from '../views/work';
import { type Command, usage } from './types';

const approve: Command = {
  name: 'approve',
  args: '<mission id>',
  help: 'Approve a proposed mission (its first characters are enough).',
  minRole: 'operator',
  async run(ctx, args) {
    const [id] = args;
    if (!id || args.length > 1) return usage(approve);
    return (await decideMission(ctx.env, ctx.operator, id, 'APPROVED', null, ctx.requestId)).text;
  },
};

const reject: Command = {
  name: 'reject',
  args: '<mission id> <reason>',
  help: 'Reject a proposed mission, saying why.',
  minRole: 'operator',
  async run(ctx, args) {
    const [id, ...why] = args;
    if (!id || !why.length) return usage(reject);
    const reason = why.join(' ').slice(0, 500);
    return (await decideMission(ctx.env, ctx.operator, id, 'REJECTED', reason, ctx.requestId)).text;
  },
};

const tasks: Command = {
  name: 'tasks',
  args: `[${TASK_STATUSES.join('|')}]`,
  help: 'Open tasks, or the tasks in one state.',
  minRole: 'viewer',
  async run(ctx, args) {
    const status = args[0]?.toUpperCase() ?? null;
    if (args.length > 1 || (status && !(TASK_STATUSES as readonly string[]).includes(status)))
      return usage(tasks);
    return tasksText(ctx.env, status);
  },
};

/** Commands about missions and tasks. */
export const workCommands: Command[] = [
  {
    name: 'missions',
    args: '',
    help: 'Missions waiting for your decision (with buttons) and the latest decided.',
    minRole: 'viewer',
    run: async (ctx) => missionsReply(ctx.env),
  },
  approve,
  reject,
  tasks,
  {
    name: 'review',
    args: '',
    help: 'Tasks waiting for review, with scope flags.',
    minRole: 'viewer',
    run: async (ctx) => reviewText(ctx.env),
  },
];
