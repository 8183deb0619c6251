import { z } from '@hono/zod-openapi';
import { MISSION_STATUSES } from '../../drizzle/schema';
import { Task } from '../tasks/schemas';
import { RepositoryName } from './repository-name';

const Glob = z.string().trim().min(1).max(300);

export const TaskPlanInput = z.strictObject({
  title: z.string().trim().min(1).max(200),
  spec: z.string().trim().min(1).max(20_000),
  expectedScope: z.array(Glob).min(1).max(100).describe('Globs of the files the task may change.'),
  agentHint: z.string().trim().min(1).max(60).nullish(),
  roleHint: z.string().trim().min(1).max(80).nullish(),
});

export const ProposeMission = z.strictObject({
  title: z.string().trim().min(1).max(200),
  brief: z.string().trim().min(1).max(20_000),
  // Checked as a name only: a runner that serves it may start after the mission is proposed.
  repository: z.string().trim().pipe(RepositoryName),
  targetBranch: z
    .string()
    .trim()
    .regex(/^(?!-)[\w./-]{1,200}$/, 'not a branch name')
    .default('main'),
  budgetUsd: z
    .number()
    .min(0)
    .max(1_000_000)
    .nullish()
    .describe('Money for the whole mission; a run that passes it is stopped.'),
  budgetTokens: z
    .number()
    .int()
    .min(0)
    .max(1_000_000_000_000)
    .nullish()
    .describe('Tokens in and out for the whole mission (plans that bill no money per call).'),
  tasks: z.array(TaskPlanInput).min(1).max(50),
});

export const Mission = z
  .object({
    id: z.string(),
    title: z.string(),
    brief: z.string(),
    repository: z.string(),
    targetBranch: z.string(),
    budgetUsd: z.number().nullable(),
    budgetTokens: z.number().int().nullable(),
    status: z.enum(MISSION_STATUSES),
    proposedBy: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionReason: z.string().nullable(),
    finishReason: z
      .string()
      .nullable()
      .describe('Why it ended (DONE, FAILED, CANCELLED); a failure names its task.'),
    finishedAt: z.string().nullable(),
    spentUsd: z.number().describe('Known money spent so far, runs in flight included.'),
    spentTokens: z.number().int().describe('Tokens in and out so far, runs in flight included.'),
    plan: z.array(TaskPlanInput),
    createdAt: z.string(),
  })
  .openapi('Mission');

export const MissionDetail = Mission.extend({
  tasks: z.array(Task),
  spent: z
    .object({
      usd: z.number().describe('Known money: reported or estimated, with runs in flight.'),
      tokens: z.number().int(),
      unknownCost: z.number().int().describe('Finished runs whose cost nobody knows.'),
    })
    .describe('What the mission has used so far, against budgetUsd and budgetTokens.'),
}).openapi('MissionDetail');
