import { z } from '@hono/zod-openapi';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { Claimed, Tokens, Usd } from './api-definitions';

// The runner API of planning runs (worker/planning/): lease one, say how it went, or give it
// back. The proposals themselves go through POST /api/runner/missions with planningJobId.
const tags = ['Runner API'];
const JobParam = z.object({ id: z.string().min(1).max(100) });

const PlanningClaim = z.object({
  job: z.object({
    id: z.string(),
    routineId: z.string(),
    repository: z.string(),
    targetBranch: z.string().describe('Check this branch out read-only for the agent to read.'),
    fingerprint: z.string(),
  }),
  agent: Claimed.shape.agent.unwrap(),
  snapshot: z
    .object({ headCommit: z.string(), fileCount: z.number().int(), reportedAt: z.string() })
    .nullable()
    .describe('The repository as a runner last reported it.'),
  openMissions: z
    .array(
      z.object({
        id: z.string(),
        title: z.string(),
        status: z.enum(['PROPOSED', 'APPROVED']),
        proposedBy: z.string(),
        brief: z.string(),
        tasks: z.array(z.string()),
      }),
    )
    .describe('The repository’s open missions, newest first: not to be proposed again.'),
  timeoutSeconds: z.number().int().describe('Report within this, or the job is leased again.'),
});

export const planningClaimRoute = defineRoute('runner', {
  operationId: 'claimPlanningJob',
  method: 'post',
  path: '/api/runner/planning/claim',
  tags,
  summary:
    'Lease the oldest queued planning run of a repository this runner serves, whose agent’s executor it declared; 204 when none',
  request: { body: jsonBody(z.strictObject({})) },
  responses: {
    200: jsonResponse(
      PlanningClaim,
      'The job is RUNNING on this runner for timeoutSeconds + 60 s.',
    ),
    204: { description: 'No job.' },
  },
});

export const planningReportRoute = defineRoute('runner', {
  operationId: 'reportPlanningJob',
  method: 'post',
  path: '/api/runner/planning/{id}/report',
  tags,
  summary:
    'How a planning run went: its spend (ledger, purpose planning) and DONE, or FAILED with why; 409 when this runner no longer holds it',
  request: {
    params: JobParam,
    body: jsonBody(
      z.strictObject({
        outcome: z.enum(['success', 'failure']),
        error: z
          .string()
          .max(10_000)
          .optional()
          .describe('Failure: why. Success: the proposals HQ refused, one per line.'),
        inputTokens: Tokens,
        outputTokens: Tokens,
        costUsd: Usd,
        provider: z.string().min(1).max(60),
        model: z.string().min(1).max(120),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({
        status: z.enum(['DONE', 'FAILED']),
        proposed: z.number().int(),
        merged: z.number().int(),
      }),
      'Recorded.',
    ),
  },
});

export const planningReleaseRoute = defineRoute('runner', {
  operationId: 'releasePlanningJob',
  method: 'post',
  path: '/api/runner/planning/{id}/release',
  tags,
  summary: 'Give a planning run back unrun (the runner is stopping): queued again at once',
  request: {
    params: JobParam,
    body: jsonBody(
      z.strictObject({ reason: z.string().trim().min(1).max(500).default('runner stopped') }),
    ),
  },
  responses: { 200: jsonResponse(z.object({ status: z.literal('QUEUED') }), 'Queued again.') },
});
