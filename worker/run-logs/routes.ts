import { OpenAPIHono } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { validationHook } from '../http/validation';
import { appendLog, downloadLog, readLog } from './definitions';
import { appendChunk, logStream, MAX_BATCH_BYTES, PAGE_CHUNKS, readChunks } from './store';

export const runLogRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

interface TaskRow {
  status: string;
  runner_id: string | null;
  runs: number;
}

async function taskRow(env: Env, id: string): Promise<TaskRow> {
  const row = await env.DB.prepare('SELECT status, runner_id, runs FROM tasks WHERE id = ?')
    .bind(id)
    .first<TaskRow>();
  if (!row) throw new ApiError('not_found', `No task ${id}.`);
  return row;
}

/** The run a reader asked for, or the latest; undefined before the first claim. */
function runToRead(id: string, row: TaskRow, asked: number | undefined): number | undefined {
  if (asked === undefined) return row.runs > 0 ? row.runs : undefined;
  if (asked > row.runs) {
    throw new ApiError(
      'not_found',
      `Task ${id} has run ${row.runs} time(s); there is no run ${asked}.`,
    );
  }
  return asked;
}

runLogRoutes.openapi(appendLog, async (c) => {
  const { id } = c.req.valid('param');
  const { run, seq, text } = c.req.valid('json');
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_BATCH_BYTES) {
    throw new ApiError(
      'payload_too_large',
      `A log batch holds at most ${MAX_BATCH_BYTES} bytes of text; batch ${seq} has ${bytes}. Send it in smaller batches.`,
      { fields: [{ field: 'text', in: 'body', message: `over ${MAX_BATCH_BYTES} bytes` }] },
    );
  }
  const runner = c.get('runner');
  const row = await taskRow(c.env, id);
  // Only the runner running the task, in the run it claimed, writes its log: a runner that
  // lost the task (requeued after silence, cancelled) is told to stop, as its heartbeat is.
  if (row.runner_id !== runner.id || row.status !== 'RUNNING') {
    throw new ApiError(
      'conflict',
      `Task ${id} is ${row.status} and not RUNNING on runner ${runner.name}: its log is closed to this runner.`,
    );
  }
  if (row.runs !== run) {
    throw new ApiError('conflict', `Task ${id} is in run ${row.runs}; run ${run} is over.`);
  }
  const stored = await appendChunk(c.env.RUN_LOGS, id, run, { seq, text });
  return c.json({ seq, stored }, 200);
});

runLogRoutes.openapi(readLog, async (c) => {
  const { id } = c.req.valid('param');
  const query = c.req.valid('query');
  // The task first, then the batches: a run seen as finished has stored all it ever will
  // (the runner sends its last batch before it reports), so `live: false` means complete.
  const row = await taskRow(c.env, id);
  const run = runToRead(id, row, query.run);
  const page = run
    ? await readChunks(c.env.RUN_LOGS, id, run, query.after, PAGE_CHUNKS)
    : { chunks: [], more: false };
  return c.json(
    {
      taskId: id,
      run: run ?? null,
      runs: row.runs,
      live: run !== undefined && run === row.runs && row.status === 'RUNNING',
      chunks: page.chunks,
      next: page.chunks.at(-1)?.seq ?? query.after,
      more: page.more,
    },
    200,
  );
});

runLogRoutes.openapi(downloadLog, async (c) => {
  const { id } = c.req.valid('param');
  const row = await taskRow(c.env, id);
  const run = runToRead(id, row, c.req.valid('query').run);
  if (!run) throw new ApiError('not_found', `Task ${id} has not run yet: there is no log.`);
  const name = `task-${id.replace(/[^\w-]/g, '_')}-run-${run}.log`;
  // Streamed batch by batch, never held whole in memory; the route's types know only a
  // string body (c.text), hence the cast.
  return new Response(logStream(c.env.RUN_LOGS, id, run), {
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'x-content-type-options': 'nosniff',
    },
  }) as never;
});
