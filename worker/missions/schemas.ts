import { z } from '@hono/zod-openapi';
import { MISSION_STATUSES } from '../../drizzle/schema';
import { ChangeEntry } from '../agents/schemas';
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

const BranchName = z
  .string()
  .trim()
  .regex(/^(?!-)[\w./-]{1,200}$/, 'not a branch name');
const BudgetUsd = z
  .number()
  .min(0)
  .max(1_000_000)
  .nullish()
  .describe('Money for the whole mission; a run that passes it is stopped.');
const BudgetTokens = z
  .number()
  .int()
  .min(0)
  .max(1_000_000_000_000)
  .nullish()
  .describe('Tokens in and out for the whole mission (plans that bill no money per call).');
const Tasks = z.array(TaskPlanInput).min(1).max(50);

export const ProposeMission = z.strictObject({
  title: z.string().trim().min(1).max(200),
  brief: z.string().trim().min(1).max(20_000),
  // Checked as a name only: a runner that serves it may start after the mission is proposed.
  repository: z.string().trim().pipe(RepositoryName),
  targetBranch: BranchName.default('main'),
  budgetUsd: BudgetUsd,
  budgetTokens: BudgetTokens,
  tasks: Tasks,
});

/**
 * An edit of a PROPOSED mission: any of the plan's fields, checked as a proposal checks them.
 * The repository is not editable: a different repository is a different mission (replace it).
 * Written out rather than `.partial()` so that an absent targetBranch stays absent instead of
 * defaulting to 'main' and silently moving the branch.
 */
export const EditMission = z.strictObject({
  title: ProposeMission.shape.title.optional(),
  brief: ProposeMission.shape.brief.optional(),
  targetBranch: BranchName.optional(),
  budgetUsd: BudgetUsd,
  budgetTokens: BudgetTokens,
  tasks: Tasks.optional(),
  reason: z.string().trim().min(1).max(1000).optional().describe('Why: shown in the history.'),
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
    revision: z
      .number()
      .int()
      .describe('0 as proposed, one more per edit; approving checks the one you read.'),
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

export const MissionRevision = z
  .object({
    number: z.number().int().describe('0 is the mission as proposed.'),
    actor: z.string(),
    reason: z.string().nullable(),
    createdAt: z.string(),
    fields: z.array(z.string()).describe('The fields this revision changed.'),
    diff: z.array(ChangeEntry),
  })
  .openapi('MissionRevision');

export const MissionHistoryItem = z
  .object({
    at: z.string(),
    actor: z.string(),
    kind: z.enum(['proposed', 'revised', 'approved', 'rejected', 'task', 'ended']),
    text: z.string(),
  })
  .openapi('MissionHistoryItem');
