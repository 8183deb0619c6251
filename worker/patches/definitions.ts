import { z } from '@hono/zod-openapi';
import { defineRoute } from '../http/route';
import { MAX_PATCH_BYTES } from './store';

const TaskParam = z.object({ id: z.string().min(1).max(100) });
const Head = z
  .string()
  .regex(/^[0-9a-f]{40}$/, 'a full commit id: 40 lowercase hex digits')
  .describe('The head commit the patch belongs to.');
const diffBody = (description: string) => ({
  description,
  content: { 'text/x-diff': { schema: z.string() } },
});

export const uploadPatch = defineRoute('runner', {
  operationId: 'putTaskPatch',
  method: 'put',
  path: '/api/runner/tasks/{id}/patch',
  tags: ['Runner API'],
  summary: 'Upload the run’s unified patch against the base (secrets already masked)',
  description: `The body is the patch as text, at most ${MAX_PATCH_BYTES} bytes (413 beyond): a longer patch is cut by the runner, which ends it with a note line and sends \`truncated=true\`. Sent before the report; 409 when the task is not RUNNING on this runner.`,
  request: {
    params: TaskParam,
    query: z.strictObject({
      head: Head,
      truncated: z.enum(['true', 'false']).default('false'),
      fullBytes: z.coerce
        .number()
        .int()
        .min(0)
        .optional()
        .describe('The whole patch’s size before the cut; default: the body’s.'),
    }),
    body: { required: false, ...diffBody('The patch.') },
  },
  responses: {
    200: {
      description: 'Stored.',
      content: {
        'application/json': {
          schema: z.object({
            headCommit: z.string(),
            bytes: z.number(),
            truncated: z.boolean(),
            fullBytes: z.number(),
          }),
        },
      },
    },
  },
});

export const readPatch = defineRoute('viewer', {
  operationId: 'getTaskPatch',
  method: 'get',
  path: '/api/tasks/{id}/patch',
  tags: ['Tasks'],
  summary: 'The unified patch of the task’s current head (or of an earlier round’s head)',
  description:
    'Headers: `x-hq-head-commit` (the head it belongs to), `x-hq-truncated` (`true` when the runner cut it; its last line says where), `x-hq-full-bytes`. 404 when there is none.',
  request: { params: TaskParam, query: z.strictObject({ head: Head.optional() }) },
  responses: { 200: diffBody('The patch.') },
});
