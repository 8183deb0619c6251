import { z } from '@hono/zod-openapi';
import { NUMSTAT_CHANGES, TASK_STATUSES } from '../../drizzle/schema';

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
    runnerId: z
      .string()
      .nullable()
      .describe('The runner that ran it last (RUNNING: the one running it now).'),
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
      .array(
        z.object({
          path: z.string(),
          added: z.number(),
          removed: z.number(),
          change: z.enum(NUMSTAT_CHANGES).optional(),
          oldMode: z.string().optional(),
          newMode: z.string().optional(),
        }),
      )
      .nullable()
      .describe('Every changed path against the base; a rename is a deletion and an addition.'),
    diffFlags: z
      .array(
        z.object({
          path: z.string(),
          flag: z.enum(['symlink', 'submodule', 'mode']),
          detail: z.string(),
        }),
      )
      .describe('Paths the line counts hide something of: symbolic links, submodules, modes.'),
    headCommit: z
      .string()
      .nullable()
      .describe('The commit the last report recorded: what review reviews and approval merges.'),
    headPushed: z
      .boolean()
      .describe('That head was pushed to the repository’s remote as hq/<task id>.'),
    scopeViolations: z.array(z.string()).nullable(),
    reviewComments: z.string().nullable(),
    verdict: z.enum(['approve', 'changes']).nullable(),
    failureReason: z.string().nullable(),
    costUsd: z
      .number()
      .describe('Money of the finished runs whose cost is known (reported or estimated).'),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costKnown: z.boolean().describe('False when a finished run’s cost is unknown: not in costUsd.'),
    unknownCostRuns: z
      .number()
      .int()
      .describe('Finished runs of unknown cost (tokens only and no price, or nothing reported).'),
    estimatedCostRuns: z
      .number()
      .int()
      .describe('Finished runs whose cost was estimated from the price table.'),
    currentRun: z
      .object({
        inputTokens: z.number().int().nullable(),
        outputTokens: z.number().int().nullable(),
        costUsd: z.number().nullable(),
      })
      .nullable()
      .describe(
        'While RUNNING: what the run has used so far, from its heartbeats (null: unknown).',
      ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Task');
