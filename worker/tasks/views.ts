import type { tasks } from '../../drizzle/schema';
import { diffFlags } from './diff-flags';

/** A task row as the API shows it. */
export function taskView(row: typeof tasks.$inferSelect) {
  return {
    id: row.id,
    missionId: row.missionId,
    title: row.title,
    spec: row.spec,
    expectedScope: row.expectedScope,
    agentHint: row.agentHint,
    roleHint: row.roleHint,
    agentId: row.agentId,
    status: row.status,
    runnerId: row.runnerId,
    branch: row.branch,
    baseBranch: row.baseBranch,
    requeues: row.requeues,
    phase: row.phase,
    progress: row.progress,
    lastLine: row.lastLine,
    runs: row.runs,
    commits: row.commits,
    diffNumstat: row.diffNumstat,
    diffFlags: diffFlags(row.diffNumstat),
    headCommit: row.headCommit,
    headPushed: row.headPushed,
    scopeViolations: row.scopeViolations,
    reviewComments: row.reviewComments,
    verdict: row.verdict,
    failureReason: row.failureReason,
    costUsd: row.costUsd,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costKnown: row.unknownCostRuns === 0,
    unknownCostRuns: row.unknownCostRuns,
    estimatedCostRuns: row.estimatedCostRuns,
    // Only a run in flight has running totals; the ledger holds every finished run.
    currentRun:
      row.status === 'RUNNING'
        ? {
            inputTokens: row.runInputTokens,
            outputTokens: row.runOutputTokens,
            costUsd: row.runCostUsd,
          }
        : null,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
