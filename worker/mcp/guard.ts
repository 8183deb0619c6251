import type { MiddlewareHandler } from 'hono';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { readRunToken } from '../runners/run-token';

interface RunRow {
  status: string;
  runs: number;
  runner_id: string | null;
  slug: string | null;
  runner_revoked: number | null;
  runner_known: number;
}

/**
 * The guard of HQ's MCP server: a run token (minted with the claim, worker/runners/
 * run-token.ts) whose run is still going: its task RUNNING, on that run, on that runner, and
 * the runner not revoked. Anything else is a 401 that says which of these failed, so an agent
 * (and whoever reads its log) sees why its HQ tools stopped working.
 */
export const requireRunToken: MiddlewareHandler<HonoEnv> = async function requireRunToken(c, next) {
  const header = c.req.header('authorization') ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  const grant = await readRunToken(c.env, token, Date.now());
  if ('problem' in grant) throw new ApiError('unauthenticated', grant.problem);
  const row = await c.env.DB.prepare(
    `SELECT t.status, t.runs, t.runner_id, a.slug,
       (SELECT revoked_at FROM runners WHERE id = ?2) AS runner_revoked,
       EXISTS (SELECT 1 FROM runners WHERE id = ?2) AS runner_known
     FROM tasks t LEFT JOIN agents a ON a.id = t.agent_id WHERE t.id = ?1`,
  )
    .bind(grant.taskId, grant.runnerId)
    .first<RunRow>();
  const task = grant.taskId;
  const problem = !row
    ? `The run token's task ${task} does not exist.`
    : !row.runner_known || row.runner_revoked !== null
      ? `The run token's runner ${grant.runnerId} is revoked or gone.`
      : row.status !== 'RUNNING'
        ? `Task ${task} is ${row.status}, not RUNNING: the run this token was minted for is over.`
        : row.runs !== grant.run
          ? `Task ${task} is on run ${row.runs}; this token was minted for run ${grant.run}.`
          : row.runner_id !== grant.runnerId
            ? `Task ${task} runs on another runner than the one this token was minted for.`
            : null;
  if (problem || !row) throw new ApiError('unauthenticated', problem ?? 'No such run.');
  c.set('run', {
    taskId: grant.taskId,
    run: grant.run,
    runnerId: grant.runnerId,
    agentSlug: row.slug,
  });
  await next();
};
