import type { tasks } from '../../drizzle/schema';
import { knownCost } from '../prices/price';
import { priceFor } from '../prices/store';
import { touchedStatements } from '../reviews/comments/rounds';
import { chooseReviewer, queueJobStatement } from '../reviews/jobs/queue';
import { readSettings } from '../settings/store';
import { ledgerStatement } from '../spend/ledger';
import { agentFailureStatements, agentSuccessStatement } from '../tasks/failures';
import { outOfScope } from '../tasks/scope';
import { moveStatements } from '../tasks/transition';
import type { RunReport } from './wire';

/** A report as the route accepts it: the head is required on the wire. */
export type Report = RunReport & { headCommit: string };

/**
 * A runner's report of one run, in one batch: the move (RUNNING → REVIEW, or FAILED), the
 * scope check, the task's running totals, the spend ledger and the agent's failure streak.
 * Paths outside the expected scope are flagged for the reviewer, never refused; every path is
 * checked, a deleted one too (a rename comes as a deletion plus an addition). The head the
 * runner recorded is what review reviews and what an approval merges; the review comments
 * the run carried are marked touched or not by its round's hunks. Tokens without
 * money are priced with the price table as it is now, and the estimate is stored: a later
 * change of price does not rewrite what a run cost.
 */
export async function applyReport(
  env: Env,
  task: typeof tasks.$inferSelect,
  runnerId: string,
  report: Report,
) {
  const db = env.DB;
  const now = Date.now();
  const success = report.outcome === 'success';
  const violations = outOfScope(
    report.numstat.map((f) => f.path),
    task.expectedScope,
  );
  const budget = !success && report.reason === 'budget';
  // A budget stop is said as such, first, so the task, the timeline and the CEO all show it.
  const failure = success
    ? null
    : budget
      ? report.error?.startsWith('budget:') === true
        ? report.error
        : `budget: ${report.error ?? 'a budget was passed'}`
      : (report.error ?? 'run failed');
  const price = report.costUsd === null ? await priceFor(env, report.provider, report.model) : null;
  const cost = knownCost(report.costUsd, report.inputTokens, report.outputTokens, price);
  // Work that reached REVIEW goes to the reviewer agent first, when there is one (not its own).
  const first = success ? await chooseReviewer(db, task.id, task.agentId, now) : null;
  const reviewed = `${report.commits.length} commit(s), ${violations.length} outside scope`;
  const statements = moveStatements(
    db,
    {
      taskId: task.id,
      from: 'RUNNING',
      to: success ? 'REVIEW' : 'FAILED',
      actor: `runner:${runnerId}`,
      reason: failure ?? (first?.note ? `${reviewed}; ${first.note}` : reviewed),
      ...(budget ? { cause: 'budget' as const } : {}),
      set: {
        commits: JSON.stringify(report.commits),
        diff_numstat: JSON.stringify(report.numstat),
        scope_violations: JSON.stringify(violations),
        verdict: null,
        head_commit: report.headCommit,
        head_pushed: report.pushed ? 1 : 0,
        merge_runner_id: null,
        merge_lease_until: null,
        phase: success ? 'review' : 'failed',
        progress: success ? 1 : null,
        failure_reason: failure,
        finished_at: success ? null : now,
      },
    },
    now,
  );
  statements.push(
    // The task keeps running totals of what is known and counts the runs of unknown or
    // estimated cost; the ledger row below keeps each run as it is.
    db
      .prepare(
        `UPDATE tasks SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ?, cost_usd = cost_usd + ?,
         unknown_cost_runs = unknown_cost_runs + ?, estimated_cost_runs = estimated_cost_runs + ? WHERE id = ?`,
      )
      .bind(
        report.inputTokens ?? 0,
        report.outputTokens ?? 0,
        cost.costUsd ?? 0,
        cost.costUsd === null ? 1 : 0,
        cost.source === 'price_table' ? 1 : 0,
        task.id,
      ),
    ledgerStatement(db, {
      agentId: task.agentId,
      provider: report.provider,
      model: report.model,
      purpose: 'task',
      taskId: task.id,
      inputTokens: report.inputTokens,
      outputTokens: report.outputTokens,
      cost,
      now,
    }),
  );
  if (first?.reviewer)
    statements.push(queueJobStatement(db, task.id, report.headCommit, first.reviewer.id, now));
  // A budget stop says nothing about the agent's work: it does not count toward a cooldown.
  if (task.agentId && !budget) {
    if (success) statements.push(agentSuccessStatement(db, task.agentId));
    else
      statements.push(
        ...agentFailureStatements(db, task.agentId, (await readSettings(env)).workLoop, now),
      );
  }
  // The review comments this run carried: did its diff change their lines (success only: a
  // failed run's comments wait for the next run).
  if (success)
    statements.push(
      ...(await touchedStatements(db, task.id, task.runs, report.headCommit, report.roundHunks)),
    );
  await db.batch(statements);
  return {
    status: success ? ('REVIEW' as const) : ('FAILED' as const),
    scopeViolations: violations,
  };
}
