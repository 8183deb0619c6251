import { briefingText } from '../briefing';
import { agentsText, budgetText, statusText } from '../views/company';
import type { Command } from './types';

/** Commands that describe the company. */
export const companyCommands: Command[] = [
  {
    name: 'status',
    args: '',
    help: 'The company at a glance: agents, open work, what waits for you, spend.',
    minRole: 'viewer',
    run: async (ctx) => statusText(ctx.env, ctx.now),
  },
  {
    name: 'agents',
    args: '',
    help: 'The roster: what each agent is doing.',
    minRole: 'viewer',
    run: async (ctx) => agentsText(ctx.env, ctx.now),
  },
  {
    name: 'budget',
    args: '',
    help: 'Spend this month against each agent’s budget.',
    minRole: 'viewer',
    run: async (ctx) => budgetText(ctx.env, ctx.now),
  },
  {
    name: 'briefing',
    args: '',
    help: 'The morning briefing, now.',
    minRole: 'viewer',
    run: async (ctx) => briefingText(ctx.env, ctx.now),
  },
];
