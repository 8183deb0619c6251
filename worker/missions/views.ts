import type { missions } from '../../drizzle/schema';
import type { Spent } from '../budgets/spent';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * A mission row as the API shows it, with what it has spent (known money and tokens, runs in
 * flight included) beside its budgets. `spent` is null for a mission with no run yet.
 */
export function missionView(row: typeof missions.$inferSelect, spent: Spent | null = null) {
  const { decisionRequestId: _internal, updatedAt: _updated, ...rest } = row;
  return {
    ...rest,
    plan: row.plan.map((t) => ({
      ...t,
      agentHint: t.agentHint ?? null,
      roleHint: t.roleHint ?? null,
    })),
    spentUsd: spent?.usd ?? 0,
    spentTokens: spent?.tokens ?? 0,
    decidedAt: iso(row.decidedAt),
    finishedAt: iso(row.finishedAt),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
