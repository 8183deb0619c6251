import { z } from '@hono/zod-openapi';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { Claimed, Tokens, Usd } from './api-definitions';

// The runner API of the reviewer agent's first pass (worker/reviews/jobs/): lease a review
// job, say its verdict, or give it back.
const tags = ['Runner API'];
const JobParam = z.object({ id: z.string().min(1).max(100) });

const ReviewClaim = z.object({
  job: z.object({ id: z.string(), taskId: z.string(), headCommit: z.string() }),
  task: z.object({
    title: z.string(),
    spec: z.string(),
    expectedScope: z.array(z.string()),
    scopeViolations: z.array(z.string()),
    numstat: z.array(
      z.object({ path: z.string(), added: z.number(), removed: z.number() }).passthrough(),
    ),
  }),
  mission: z.object({ title: z.string(), brief: z.string(), repository: z.string() }),
  reviewer: Claimed.shape.agent.unwrap(),
  patch: z.object({ text: z.string(), truncated: z.boolean(), fullBytes: z.number() }),
  timeoutSeconds: z.number().int().describe('Report within this, or the job is leased again.'),
});

export const reviewClaimRoute = defineRoute('runner', {
  operationId: 'claimReviewJob',
  method: 'post',
  path: '/api/runner/reviews/claim',
  tags,
  summary:
    'Lease the oldest queued review job of a repository this runner serves, whose reviewer’s executor it declared; 204 when none',
  request: { body: jsonBody(z.strictObject({})) },
  responses: {
    200: jsonResponse(ReviewClaim, 'The job is RUNNING on this runner for timeoutSeconds + 60 s.'),
    204: { description: 'No job.' },
  },
});

const Comment = z.strictObject({
  path: z.string().min(1).max(1000),
  line: z.number().int().min(1),
  endLine: z.number().int().min(1).optional(),
  side: z.enum(['new', 'old']).optional(),
  body: z.string().trim().min(1).max(5000),
});

export const reviewReportRoute = defineRoute('runner', {
  operationId: 'reportReviewJob',
  method: 'post',
  path: '/api/runner/reviews/{id}/report',
  tags,
  summary:
    'The reviewer agent’s verdict (or why it gave none); 409 when the job was cancelled (its task left REVIEW or moved on)',
  request: {
    params: JobParam,
    body: jsonBody(
      z
        .strictObject({
          outcome: z.enum(['success', 'failure']),
          verdict: z.enum(['approve', 'changes']).optional(),
          summary: z.string().max(10_000).optional(),
          comments: z.array(Comment).max(200).optional(),
          error: z.string().max(10_000).optional(),
          inputTokens: Tokens,
          outputTokens: Tokens,
          costUsd: Usd,
          provider: z.string().min(1).max(60),
          model: z.string().min(1).max(120),
        })
        .refine((r) => r.outcome === 'failure' || r.verdict !== undefined, {
          message: 'a successful review says its verdict',
          path: ['verdict'],
        }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({
        status: z.enum(['DONE', 'FAILED']),
        refused: z.array(z.string()).describe('Comments not kept, with why.'),
      }),
      'Recorded.',
    ),
  },
});

export const reviewReleaseRoute = defineRoute('runner', {
  operationId: 'releaseReviewJob',
  method: 'post',
  path: '/api/runner/reviews/{id}/release',
  tags,
  summary: 'Give a review job back unrun (the runner is stopping): queued again at once',
  request: {
    params: JobParam,
    body: jsonBody(
      z.strictObject({ reason: z.string().trim().min(1).max(500).default('runner stopped') }),
    ),
  },
  responses: { 200: jsonResponse(z.object({ status: z.literal('QUEUED') }), 'Queued again.') },
});
