import { TASK_STATUSES } from '../../../drizzle/schema';
import { answerWhy } from '../../tasks/why/answer';
import { decideMission } from '../actions';
import { answerQuestion, answerText, findQuestion } from '../agent-answers';
import { missionsReply, reviewReply, tasksText } from '../views/work';
import { line } from './catalog';
import { type Command, usage } from './types';

const approve: Command = {
  ...line('approve'),
  async run(ctx, args) {
    const [id] = args;
    if (!id || args.length > 1) return usage(approve);
    return (await decideMission(ctx.env, ctx.operator, id, 'APPROVED', null, ctx.requestId)).text;
  },
};

const reject: Command = {
  ...line('reject'),
  async run(ctx, args) {
    const [id, ...why] = args;
    if (!id || !why.length) return usage(reject);
    const reason = why.join(' ').slice(0, 500);
    return (await decideMission(ctx.env, ctx.operator, id, 'REJECTED', reason, ctx.requestId)).text;
  },
};

const tasks: Command = {
  ...line('tasks'),
  async run(ctx, args) {
    const status = args[0]?.toUpperCase() ?? null;
    if (args.length > 1 || (status && !(TASK_STATUSES as readonly string[]).includes(status)))
      return usage(tasks);
    return tasksText(ctx.env, status);
  },
};

const why: Command = {
  ...line('why'),
  async run(ctx, args) {
    if (args.length > 1) return usage(why);
    return answerWhy(ctx.env, args[0] ?? null, ctx.now);
  },
};

const answer: Command = {
  ...line('answer'),
  async run(ctx, args) {
    const [id, ...words] = args;
    if (!id || !words.length) return usage(answer);
    const question = await findQuestion(ctx.env, id);
    if (!question) return `No agent question ${id} (or several start with it).`;
    const by = { email: ctx.operator.email, requestId: ctx.requestId };
    const text = words.join(' ').slice(0, 4000);
    return answerText(await answerQuestion(ctx.env, question, text, by, ctx.now));
  },
};

/** Commands about missions and tasks. */
export const workCommands: Command[] = [
  {
    ...line('missions'),
    run: async (ctx) => missionsReply(ctx.env),
  },
  approve,
  reject,
  tasks,
  {
    ...line('review'),
    run: async (ctx) => reviewReply(ctx.env),
  },
  why,
  answer,
];
