import { z } from '@hono/zod-openapi';
import { NUMSTAT_CHANGES } from '../../drizzle/schema';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { Tokens, Usd } from './api-definitions';

// The runner API's routes from a run's end to its merge: the report of what the run recorded,
// the lease of approved tasks to merge, and what became of each merge.
const tags = ['Runner API'];
const TaskParam = z.object({ id: z.string().min(1).max(100) });
const Sha = z.string().regex(/^[0-9a-f]{7,64}$/, 'not a commit hash');
const HeadCommit = z.string().regex(/^[0-9a-f]{40}$/, 'not a full commit hash (40 lowercase hex)');
const Mode = z.string().regex(/^[0-7]{6}$/, 'not a git mode (6 octal digits, like 100644)');

const Numstat = z.strictObject({
  path: z.string().min(1).max(1000),
  added: z.number().int().min(0),
  removed: z.number().int().min(0),
  change: z.enum(NUMSTAT_CHANGES).optional(),
  oldMode: Mode.optional(),
  newMode: Mode.optional(),
});

export const report = defineRoute('runner', {
  operationId: 'reportTaskRun',
  method: 'post',
  path: '/api/runner/tasks/{id}/report',
  tags,
  summary:
    'Finish a run: the head commit it recorded, commits, git diff --numstat against the base (renames as a deletion and an addition), tokens, cost, outcome',
  request: {
    params: TaskParam,
    body: jsonBody(
      z.strictObject({
        outcome: z.enum(['success', 'failure']),
        headCommit: HeadCommit.describe(
          'The commit the runner recorded as the run’s result, at refs/heads/hq/<task id> in its repository: what review sees and an approval merges.',
        ),
        pushed: z
          .boolean()
          .default(false)
          .describe('That ref was also pushed to the repository’s remote.'),
        commits: z.array(Sha).max(1000),
        numstat: z.array(Numstat).max(10_000),
        // Null is unknown (a CLI that reports no tokens or no money), never recorded as 0.
        inputTokens: Tokens,
        outputTokens: Tokens,
        costUsd: Usd,
        provider: z.string().min(1).max(60),
        model: z.string().min(1).max(120),
        error: z.string().max(4000).optional(),
        roundHunks: z
          .array(
            z.strictObject({
              path: z.string().min(1).max(1000),
              oldStart: z.number().int().min(0),
              oldLines: z.number().int().min(0),
            }),
          )
          .max(100_000)
          .nullable()
          .optional()
          .describe(
            'The hunks (old side) of `git diff -U0 --no-renames <the claim’s head> <this head>`: which lines of the last round this run changed, to mark its review comments touched. Null: the runner could not tell.',
          ),
        reason: z
          .enum(['budget'])
          .optional()
          .describe(
            'Why the runner stopped a failed run: budget (a budget was passed while it ran).',
          ),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({ status: z.enum(['REVIEW', 'FAILED']), scopeViolations: z.array(z.string()) }),
      'Recorded.',
    ),
  },
});

export const verdicts = defineRoute('runner', {
  operationId: 'leaseVerdicts',
  method: 'post',
  path: '/api/runner/verdicts',
  tags,
  summary:
    'Lease approved tasks of the repositories this runner serves for their merge (120 s): merge each, then confirm',
  description:
    'A task is leased to one runner at a time: the runner that ran it, or any serving runner when its head was pushed. Asking again renews this runner’s leases.',
  responses: {
    200: jsonResponse(
      z.object({
        approved: z.array(
          z.object({
            taskId: z.string(),
            branch: z.string(),
            baseBranch: z.string(),
            repository: z.string(),
            headCommit: z.string().describe('Merge exactly this commit: the one reviewed.'),
            pushed: z.boolean().describe('The head is on the remote as the branch.'),
          }),
        ),
      }),
      'Approved tasks leased to this runner for their merge.',
    ),
  },
});

export const merged = defineRoute('runner', {
  operationId: 'confirmTaskMerge',
  method: 'post',
  path: '/api/runner/tasks/{id}/merge',
  tags,
  summary:
    'Confirm the merge of a leased approved task (DONE), report a conflict (CHANGES_REQUESTED), or that its branch moved after the report (review again)',
  request: {
    params: TaskParam,
    body: jsonBody(
      z.discriminatedUnion('result', [
        z.strictObject({
          result: z.literal('merged'),
          mergeCommit: Sha,
          pushed: z.boolean().optional().describe('The merged target branch was pushed.'),
        }),
        z.strictObject({
          result: z.literal('conflict'),
          files: z.array(z.string().max(1000)).min(1).max(1000),
        }),
        z.strictObject({
          result: z.literal('moved'),
          found: Sha.nullable().describe('Where the branch is now; null: it is gone.'),
          detail: z.string().max(1000).optional(),
        }),
      ]),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({ status: z.enum(['DONE', 'CHANGES_REQUESTED', 'REVIEW']) }),
      'Recorded.',
    ),
  },
});
