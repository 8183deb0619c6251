import { z } from '@hono/zod-openapi';
import { TASK_STATUSES } from '../../drizzle/schema';

/** A task as the API shows it (`taskView`). */
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
