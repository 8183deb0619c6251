import { z } from '@hono/zod-openapi';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { MAX_BATCH_BYTES, MAX_SEQ, PAGE_CHUNKS } from './store';

const TaskParam = z.object({ id: z.string().min(1).max(100) });
const Run = z.coerce
  .number()
  .int()
  .min(1)
  .max(1_000_000)
  .optional()
  .describe('Which run of the task (1 is the first claim); default: the latest.');

export const appendLog = defineRoute('runner', {
  operationId: 'appendTaskLog',
  method: 'post',
  path: '/api/runner/tasks/{id}/logs',
  tags: ['Runner API'],
  summary: 'Append a batch of the agent’s output (secrets already masked) to the running log',
  description: `Batches are numbered from 1 per run; sending a number again stores nothing (a retry is safe). At most ${MAX_BATCH_BYTES} bytes of text per batch (413 beyond). 409 when the task is not RUNNING on this runner in that run.`,
  request: {
    params: TaskParam,
    body: jsonBody(
      z.strictObject({
        run: z.number().int().min(1).describe('The run, as `task.runs` of the claim said.'),
        seq: z.number().int().min(1).max(MAX_SEQ),
        text: z.string().min(1),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({
        seq: z.number(),
        stored: z.boolean().describe('False when this batch number was already stored.'),
      }),
      'Stored (or already there).',
    ),
  },
});

export const RunLogPage = z
  .object({
    taskId: z.string(),
    run: z.number().nullable().describe('The run shown; null before the first claim.'),
    runs: z.number(),
    live: z.boolean().describe('The run is still going: more output may come.'),
    chunks: z.array(z.object({ seq: z.number(), text: z.string() })),
    next: z.number().describe('Pass as `after` for what comes next.'),
    more: z.boolean().describe('More batches are stored already: ask again at once.'),
  })
  .openapi('RunLogPage');

export const readLog = defineRoute('viewer', {
  operationId: 'getTaskLog',
  method: 'get',
  path: '/api/tasks/{id}/logs',
  tags: ['Tasks'],
  summary: 'A run’s log, batch by batch after a cursor (poll with `after` to follow it live)',
  request: {
    params: TaskParam,
    query: z.strictObject({
      run: Run,
      after: z.coerce
        .number()
        .int()
        .min(0)
        .max(MAX_SEQ)
        .default(0)
        .describe('Only batches numbered above this (the `next` of the previous page).'),
    }),
  },
  responses: {
    200: jsonResponse(RunLogPage, `Up to ${PAGE_CHUNKS} batches.`),
  },
});

export const downloadLog = defineRoute('viewer', {
  operationId: 'downloadTaskLog',
  method: 'get',
  path: '/api/tasks/{id}/logs.txt',
  tags: ['Tasks'],
  summary: 'A run’s whole log as a text file',
  request: { params: TaskParam, query: z.strictObject({ run: Run }) },
  responses: {
    200: {
      description: 'The log, as an attachment.',
      content: { 'text/plain': { schema: z.string() } },
    },
  },
});
