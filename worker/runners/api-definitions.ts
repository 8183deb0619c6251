import { z } from '@hono/zod-openapi';
import { Executor, McpServers } from '../agents/fields';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { Mission, ProposeMission } from '../missions/schemas';
import { Task } from '../tasks/schemas';
import { Capabilities, RunnerVersion, ServedRepositories, ServedRepository } from './capabilities';
import { Disk } from './disk';

// The runner API's routes: what a runner may call with its bearer token.
const tags = ['Runner API'];
const TaskParam = z.object({ id: z.string().min(1).max(100) });
export const Claimed = z.object({
  timeoutSeconds: z
    .number()
    .int()
    .describe('Heartbeat at least this often, or the task is requeued.'),
  task: Task.extend({
    // Set on every task that can be claimed (nullable on Task only for older rows).
    branch: z.string(),
    baseBranch: z.string(),
    inlineComments: z
      .array(
        z.object({
          path: z.string(),
          line: z.number().int(),
          endLine: z.number().int(),
          side: z.enum(['new', 'old']),
          body: z.string(),
          context: z.string().describe('The numbered code the comment was written on.'),
          author: z.string(),
        }),
      )
      .describe('The inline review comments sent with this run: put them in the prompt.'),
  }),
  mission: z.object({
    id: z.string(),
    title: z.string(),
    brief: z.string(),
    repository: z.string(),
    targetBranch: z.string(),
  }),
  agent: z
    .object({
      slug: z.string(),
      name: z.string(),
      model: z.string(),
      provider: z.string(),
      identity: z.string(),
      tools: z.array(z.string()),
      executor: z
        .union([Executor, z.null()])
        .describe('Null: run it with the runner’s own --executor.'),
      mcpServers: McpServers.describe(
        'Unsealed for this run only: env values and headers in plain text. Write them to the run’s own files, never to a log, and delete them after.',
      ),
    })
    .nullable(),
  mcp: z
    .object({
      url: z.string().describe('HQ’s MCP server (streamable HTTP, stateless).'),
      token: z
        .string()
        .describe(
          'This run’s own bearer token for it, valid while the task is RUNNING with this run on this runner. Write it only to the CLI’s own MCP config of the run, never to a log or an environment.',
        ),
    })
    .describe(
      'Give the agent’s CLI an MCP server `hq` at `url` with Authorization: Bearer `token`.',
    ),
});

export const claimRoute = defineRoute(
  'runner',
  {
    operationId: 'claimTask',
    method: 'post',
    path: '/api/runner/claim',
    tags,
    summary:
      'Claim the next assigned task of a repository this runner serves (long-poll up to 25 s); 204 when none came',
    request: {
      body: jsonBody(
        z.strictObject({
          waitSeconds: z.number().min(0).max(25).default(25),
          disk: Disk.optional(),
        }),
      ),
    },
    responses: {
      200: jsonResponse(Claimed, 'A task is now RUNNING on this runner.'),
      204: { description: 'No task.' },
    },
  },
  // The token is checked in the claim's first batch, with its candidates (worker/runners/claim.ts).
  { runnerCheckedInBatch: true },
);

export const capabilities = defineRoute('runner', {
  operationId: 'declareRunnerCapabilities',
  method: 'put',
  path: '/api/runner/capabilities',
  tags,
  summary:
    'Say what this runner can run (the presets it found, with versions) and which repositories it serves; sent at start',
  request: {
    body: jsonBody(
      z.strictObject({
        capabilities: Capabilities,
        repositories: ServedRepositories.optional().describe(
          'Left out or empty: the runner serves no repository, so it claims nothing.',
        ),
        runnerVersion: RunnerVersion.optional(),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({
        capabilities: Capabilities,
        repositories: z.array(ServedRepository).nullable(),
        runnerVersion: z.string().nullable(),
      }),
      'Stored: claims now hand this runner tasks of these repositories, of agents with these presets (and those without one).',
    ),
  },
});

// Null is unknown, never 0 (a CLI that reports no money, or nothing at all).
export const Tokens = z.number().int().min(0).max(1_000_000_000_000).nullable();
export const Usd = z.number().min(0).max(100_000).nullable();

const Usage = z
  .strictObject({
    inputTokens: Tokens,
    outputTokens: Tokens,
    costUsd: Usd,
    provider: z.string().min(1).max(60).optional(),
    model: z.string().min(1).max(120).optional(),
  })
  .describe(
    'What the run has used so far (running totals from the CLI’s events), and what it reports spend under (default: the agent’s provider and model).',
  );

const Remaining = z
  .object({
    agentUsd: z.number().nullable(),
    agentTokens: z.number().nullable(),
    missionUsd: z.number().nullable(),
    missionTokens: z.number().nullable(),
  })
  .describe(
    'What is left of each budget with this run’s use so far counted (negative: passed); null: no such budget.',
  );

export const heartbeat = defineRoute(
  'runner',
  {
    operationId: 'sendTaskHeartbeat',
    method: 'post',
    path: '/api/runner/tasks/{id}/heartbeat',
    tags,
    summary:
      'Progress, phase, log tail, last line and usage of a running task; answers the budgets left, and stop when one is passed; 409 tells the runner to stop',
    request: {
      params: TaskParam,
      body: jsonBody(
        z.strictObject({
          phase: z.string().max(60).optional(),
          progress: z.number().min(0).max(1).optional(),
          logTail: z.string().max(16_384).optional(),
          lastLine: z
            .string()
            .max(500)
            .optional()
            .describe('The last meaningful line of the output, for the task and office cards.'),
          usage: Usage.optional(),
          disk: Disk.optional(),
        }),
      ),
    },
    responses: {
      200: jsonResponse(
        z.object({
          status: z.literal('RUNNING'),
          remaining: Remaining,
          runCostUsd: z
            .number()
            .nullable()
            .describe(
              'The run’s cost so far as HQ counts it: reported, else estimated; null: unknown.',
            ),
          price: z
            .object({ inputPerMillionUsd: z.number(), outputPerMillionUsd: z.number() })
            .nullable()
            .describe(
              'The price table’s price for what the run reports under, to price its tokens.',
            ),
          stop: z
            .literal('budget')
            .optional()
            .describe('Present when a budget is passed: stop the agent and report a failure.'),
          stopReason: z.string().optional(),
        }),
        'Recorded.',
      ),
    },
  },
  // One round trip: the token is checked in the beat's own batch (worker/runners/heartbeat.ts).
  { runnerCheckedInBatch: true },
);

export const proposeMission = defineRoute('runner', {
  operationId: 'proposeRunnerMission',
  method: 'post',
  path: '/api/runner/missions',
  tags,
  summary:
    'An agent proposes a mission through its runner; the operator decides. Work an open mission of the repository already holds is merged into it, not proposed again',
  request: {
    body: jsonBody(
      ProposeMission.extend({
        agent: z.string().min(1).max(60).describe('Slug of the proposing agent.'),
        planningJobId: z
          .string()
          .min(1)
          .max(100)
          .optional()
          .describe(
            'The planning run (held by this runner) this proposal comes from: it must be that run’s agent and repository, and it is counted on the run.',
          ),
      }),
    ),
  },
  responses: {
    201: jsonResponse(Mission.extend({ outcome: z.literal('proposed') }), 'Proposed.'),
    200: jsonResponse(
      Mission.extend({ outcome: z.enum(['merged', 'duplicate']) }),
      'The same work is already open: its new tasks were appended to that PROPOSED mission (merged), or nothing was new or it is already APPROVED (duplicate). The mission named is that one.',
    ),
  },
});

export const release = defineRoute('runner', {
  operationId: 'releaseTask',
  method: 'post',
  path: '/api/runner/tasks/{id}/release',
  tags,
  summary: 'Give a running task back (the runner is stopping): it is requeued at once',
  request: {
    params: TaskParam,
    body: jsonBody(
      z.strictObject({ reason: z.string().trim().min(1).max(500).default('runner stopped') }),
    ),
  },
  responses: { 200: jsonResponse(z.object({ status: z.literal('PENDING') }), 'Requeued.') },
});
