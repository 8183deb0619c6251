import type { missions } from '../../drizzle/schema';

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
