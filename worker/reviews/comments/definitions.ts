import { z } from '@hono/zod-openapi';
import { defineRoute, jsonBody, jsonResponse } from '../../http/route';
import { MAX_COMMENT_CHARS } from './store';

const tags = ['Reviews'];
const TaskParam = z.object({ id: z.string().min(1).max(100) });

export const ReviewComment = z
  .object({
    id: z.string(),
    taskId: z.string(),
    headCommit: z.string().describe('The head whose patch the comment was written on.'),
    path: z.string(),
    line: z.number().int(),
    endLine: z.number().int().describe('The range’s last line; equal to `line` for one line.'),
    side: z.enum(['new', 'old']).describe('new: a line of the head; old: a removed line.'),
    body: z.string(),
    context: z.string().describe('The code around the lines as the patch showed it, numbered.'),
    author: z.string().describe('A person’s email, or `agent:<slug>` for the reviewer agent.'),
    authorKind: z.enum(['person', 'agent']),
    reviewJobId: z.string().nullable(),
    sentInRun: z
      .number()
      .int()
      .nullable()
      .describe('The run whose prompt carried it (or will); null: not sent yet.'),
    touched: z
      .boolean()
      .nullable()
      .describe('After that run: its diff changed these lines (true) or not; null: not known.'),
    touchedHead: z.string().nullable().describe('The head of the run that settled `touched`.'),
    createdAt: z.string(),
  })
  .openapi('ReviewComment');

export const listComments = defineRoute('viewer', {
  operationId: 'listTaskComments',
  method: 'get',
  path: '/api/tasks/{id}/comments',
  tags,
  summary: 'The inline review comments of a task, every head, oldest first',
  request: { params: TaskParam },
  responses: { 200: jsonResponse(z.object({ items: z.array(ReviewComment) }), 'The comments.') },
});

export const addComment = defineRoute('operator', {
  operationId: 'createTaskComment',
  method: 'post',
  path: '/api/tasks/{id}/comments',
  tags,
  summary: 'Comment on a line or a range of the task’s current patch',
  description:
    '409 unless the task waits in REVIEW, unapproved, at `headCommit` (else the diff moved on: reload); 404 when no patch of that head is stored; 400 naming the field when the patch does not show that path or those lines on that side. The comment goes to the agent with the next “Request changes”.',
  request: {
    params: TaskParam,
    body: jsonBody(
      z.strictObject({
        headCommit: z.string().regex(/^[0-9a-f]{40}$/, 'a full commit id: 40 lowercase hex'),
        path: z.string().min(1).max(1000),
        line: z.number().int().min(1),
        endLine: z.number().int().min(1).optional(),
        side: z.enum(['new', 'old']).default('new'),
        body: z.string().trim().min(1).max(MAX_COMMENT_CHARS),
      }),
    ),
  },
  responses: { 201: jsonResponse(ReviewComment, 'Stored.') },
});

export const deleteComment = defineRoute('operator', {
  operationId: 'deleteTaskComment',
  method: 'delete',
  path: '/api/tasks/{id}/comments/{commentId}',
  tags,
  summary: 'Delete a comment not sent to the agent yet (your own; an admin any)',
  request: { params: TaskParam.extend({ commentId: z.string().min(1).max(100) }) },
  responses: { 204: { description: 'Deleted.' } },
});
