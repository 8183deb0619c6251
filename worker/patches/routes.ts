import { OpenAPIHono } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { validationHook } from '../http/validation';
import { readPatch, uploadPatch } from './definitions';
import { getPatch, MAX_PATCH_BYTES, putPatch } from './store';

export const patchRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

interface TaskRow {
  status: string;
  runner_id: string | null;
  head_commit: string | null;
}

async function taskRow(env: Env, id: string): Promise<TaskRow> {
  const row = await env.DB.prepare('SELECT status, runner_id, head_commit FROM tasks WHERE id = ?')
    .bind(id)
    .first<TaskRow>();
  if (!row) throw new ApiError('not_found', `No task ${id}.`);
  return row;
}

patchRoutes.openapi(uploadPatch, async (c) => {
  const { id } = c.req.valid('param');
  const query = c.req.valid('query');
  const runner = c.get('runner');
  const row = await taskRow(c.env, id);
  // Only the runner running the task uploads its patch, as with its log and report: a runner
  // that lost the task (requeued, cancelled) must not put its head's patch beside the new one.
  if (row.runner_id !== runner.id || row.status !== 'RUNNING') {
    throw new ApiError(
      'conflict',
      `Task ${id} is ${row.status} and not RUNNING on runner ${runner.name}: its patch is closed to this runner.`,
    );
  }
  const text = await c.req.text();
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_PATCH_BYTES) {
    throw new ApiError(
      'payload_too_large',
      `A patch holds at most ${MAX_PATCH_BYTES} bytes; this one has ${bytes}. Cut it and send truncated=true.`,
    );
  }
  const meta = {
    headCommit: query.head,
    truncated: query.truncated === 'true',
    fullBytes: query.fullBytes ?? bytes,
  };
  await putPatch(c.env.RUN_LOGS, id, meta, text);
  return c.json({ ...meta, bytes }, 200);
});

patchRoutes.openapi(readPatch, async (c) => {
  const { id } = c.req.valid('param');
  const row = await taskRow(c.env, id);
  const head = c.req.valid('query').head ?? row.head_commit;
  if (!head) throw new ApiError('not_found', `Task ${id} has no reported head yet: no patch.`);
  const found = await getPatch(c.env.RUN_LOGS, id, head);
  if (!found) {
    throw new ApiError(
      'not_found',
      `Task ${id} has no patch for head ${head} (its runner did not upload one, or could not).`,
    );
  }
  // Streamed from R2 as stored; the route's types know only a string body, hence the cast.
  return new Response(found.body, {
    headers: {
      'content-type': 'text/x-diff; charset=utf-8',
      'x-hq-head-commit': found.meta.headCommit,
      'x-hq-truncated': String(found.meta.truncated),
      'x-hq-full-bytes': String(found.meta.fullBytes),
      'x-content-type-options': 'nosniff',
    },
  }) as never;
});
