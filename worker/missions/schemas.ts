import { z } from '@hono/zod-openapi';
import { MISSION_STATUSES, TASK_STATUSES } from '../../drizzle/schema';

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
  repository: z.string().trim().min(1).max(500),
  targetBranch: z
    .string()
    .trim()
    .regex(/^(?!-)[\w./-]{1,200}$/, 'not a branch name')
    .default('main'),
  budgetUsd: z.number().min(0).max(1_000_000).nullish(),
  tasks: z.array(TaskPlanInput).min(1).max(50),
});

export const Task = z
  .object({
    id: z.string(),
    missionId: z.string(),
    title: z.string(),
    spec: z.string(),
    expectedScope: z.array(z.string()),
    agentHint: z.string().nullable(),
    roleHint: z.string().nullable(),
    agentId: z.string().nullable(),
    status: z.enum(TASK_STATUSES),
    runnerId: z.string().nullable(),
    branch: z.string().nullable(),
    baseBranch: z.string().nullable(),
    requeues: z.number().int(),
    phase: z.string().nullable(),
    progress: z.number().nullable(),
    lastLine: z
      .string()
      .nullable()
      .describe('The last meaningful line of the agent’s output (latest heartbeat).'),
    runs: z.number().int().describe('Claims so far; the log of run N: /api/tasks/{id}/logs?run=N.'),
    commits: z.array(z.string()).nullable(),
    diffNumstat: z
      .array(z.object({ path: z.string(), added: z.number(), removed: z.number() }))
      .nullable(),
    scopeViolations: z.array(z.string()).nullable(),
    reviewComments: z.string().nullable(),
    verdict: z.enum(['approve', 'changes']).nullable(),
    failureReason: z.string().nullable(),
    costUsd: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Task');

export const Mission = z
  .object({
    id: z.string(),
    title: z.string(),
    brief: z.string(),
    repository: z.string(),
    targetBranch: z.string(),
    budgetUsd: z.number().nullable(),
    status: z.enum(MISSION_STATUSES),
    proposedBy: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionReason: z.string().nullable(),
    plan: z.array(TaskPlanInput),
    createdAt: z.string(),
  })
  .openapi('Mission');

export const MissionDetail = Mission.extend({ tasks: z.array(Task) }).openapi('MissionDetail');
