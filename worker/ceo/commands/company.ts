import { briefingText } from '../briefing';
import { agentsText, budgetText, statusText } from '../views/company';
import { line } from './catalog';
import type { Command } from './types';

/** Commands that describe the company. */
export const companyCommands: Command[] = [
  {
    ...line('status'),
    run: async (ctx) => statusText(ctx.env, ctx.now),
  },
  {
    ...line('agents'),
    run: async (ctx) => agentsText(ctx.env, ctx.now),
  },
  {
    ...line('budget'),
    run: async (ctx) => budgetText(ctx.env, ctx.now),
  },
  {
    ...line('briefing'),
    run: async (ctx) => briefingText(ctx.env, ctx.now),
  },
];
