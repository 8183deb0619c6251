import type { missions, tasks } from '../../drizzle/schema';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A mission row as the API shows it. */
export function missionView(row: typeof missions.$inferSelect) {
  const { decisionRequestId: _internal, updatedAt: _updated, ...rest } = row;
  return {
    ...rest,
    plan: row.plan.map((t) => ({
      ...t,
      agentHint: t.agentHint ?? null,
      roleHint: t.roleHint ?? null,
    })),
    decidedAt: iso(row.decidedAt),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

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
    scopeViolations: row.scopeViolations,
    reviewComments: row.reviewComments,
    verdict: row.verdict,
    failureReason: row.failureReason,
    costUsd: row.costUsd,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
