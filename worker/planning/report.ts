import { ApiError } from '../http/errors';
import { knownCost } from '../prices/price';
import { priceFor } from '../prices/store';
import { ledgerStatement } from '../spend/ledger';
import { repositoryState } from './fire';
import { announceFailedRuns } from './notify';

/** What a runner says of a planning run it ran (POST /api/runner/planning/{id}/report). */
export interface PlanningReport {
  outcome: 'success' | 'failure';
  /** Failure: why. Success: the proposals HQ refused, one line each, if any. */
  error?: string | undefined;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  provider: string;
  model: string;
}

interface HeldJob {
  id: string;
  agent_id: string;
  slug: string;
  repository: string;
  target_branch: string;
  status: string;
  runner_id: string | null;
  error: string | null;
}

/** The planning job, while `runner` holds it RUNNING; 404 or 409 (let go) otherwise. */
export async function heldPlanningJob(
  db: D1Database,
  id: string,
  runner: { id: string; name: string },
): Promise<HeldJob> {
  const row = await db
    .prepare(
      `SELECT j.id, j.agent_id, a.slug, j.repository, j.target_branch, j.status, j.runner_id, j.error
       FROM planning_jobs j JOIN agents a ON a.id = j.agent_id WHERE j.id = ?`,
    )
    .bind(id)
    .first<HeldJob>();
  if (!row) throw new ApiError('not_found', `No planning job ${id}.`);
  if (row.status !== 'RUNNING' || row.runner_id !== runner.id)
    throw new ApiError(
      'conflict',
      `Planning job ${id} is ${row.status}${row.error ? ` (${row.error})` : ''} and not running on runner ${runner.name}.`,
    );
  return row;
}

/**
 * Checks a proposal posted for planning job `id` (POST /api/runner/missions with
 * planningJobId) before it is proposed: the job runs on this runner, for this agent and
 * repository. Anything else is refused, naming the field, so a planning run proposes only
 * what it was asked to plan.
 */
export async function checkPlanningProposal(
  db: D1Database,
  id: string,
  runner: { id: string; name: string },
  proposal: { agent: string; repository: string },
): Promise<void> {
  const job = await heldPlanningJob(db, id, runner);
  const refuse = (field: string, message: string) =>
    new ApiError('validation_failed', `${field}: ${message}`, {
      fields: [{ field, in: 'body', message }],
    });
  if (proposal.agent !== job.slug)
    throw refuse('agent', `planning job ${id} runs agent ${job.slug}, not ${proposal.agent}`);
  if (proposal.repository !== job.repository)
    throw refuse('repository', `planning job ${id} plans ${job.repository} only`);
}

/** Counts a proposal of planning job `id` by its outcome: a new mission, or merged/duplicate. */
export function countProposalStatement(
  db: D1Database,
  id: string,
  outcome: 'proposed' | 'merged' | 'duplicate',
): D1PreparedStatement {
  const column = outcome === 'proposed' ? 'proposed' : 'merged';
  return db.prepare(`UPDATE planning_jobs SET ${column} = ${column} + 1 WHERE id = ?`).bind(id);
}

/**
 * A runner's report of a planning run, while it holds it: the spend in the ledger (purpose
 * `planning`, the agent's, so it counts against its monthly budget) and the job DONE, or
 * FAILED with why. A DONE job's fingerprint becomes the repository's state as the run left
 * it, so its own proposals do not wake the next fire. What it proposed was counted as each proposal came in.
 */
export async function applyPlanningReport(
  env: Env,
  id: string,
  runner: { id: string; name: string },
  report: PlanningReport,
) {
  const db = env.DB;
  const job = await heldPlanningJob(db, id, runner);
  const now = Date.now();
  const price = report.costUsd === null ? await priceFor(env, report.provider, report.model) : null;
  const cost = knownCost(report.costUsd, report.inputTokens, report.outputTokens, price);
  const status: 'DONE' | 'FAILED' = report.outcome === 'success' ? 'DONE' : 'FAILED';
  // Done: the repository as the run left it (its proposals included) is what it planned for.
  const after = status === 'DONE' ? await repositoryState(db, job.repository) : null;
  const error =
    report.error?.trim() ||
    (status === 'FAILED' ? 'the planning run failed and said no more' : null);
  const [ended] = await db.batch([
    db
      .prepare(
        `UPDATE planning_jobs SET status = ?, fingerprint = coalesce(?, fingerprint), error = ?,
           input_tokens = ?, output_tokens = ?, cost_usd = ?, finished_at = ?, lease_until = NULL
         WHERE id = ? AND status = 'RUNNING' AND runner_id = ?`,
      )
      .bind(
        status,
        after?.fingerprint ?? null,
        error,
        report.inputTokens,
        report.outputTokens,
        cost.costUsd,
        now,
        job.id,
        runner.id,
      ),
    ledgerStatement(
      db,
      {
        agentId: job.agent_id,
        provider: report.provider,
        model: report.model,
        purpose: 'planning',
        taskId: null,
        inputTokens: report.inputTokens,
        outputTokens: report.outputTokens,
        cost,
        now,
      },
      true,
    ),
  ]);
  if (ended?.meta.changes !== 1)
    throw new ApiError('conflict', `Planning job ${id} changed while its report was recorded.`);
  if (status === 'FAILED') await announceFailedRuns(env, { id });
  const counts = await db
    .prepare('SELECT proposed, merged FROM planning_jobs WHERE id = ?')
    .bind(id)
    .first<{ proposed: number; merged: number }>();
  return { status, proposed: counts?.proposed ?? 0, merged: counts?.merged ?? 0 };
}
