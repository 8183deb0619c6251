import type { CostSource } from '../prices/price';

/** One row of the spend ledger: what a run (a task's, a review's, a planning run's) used. */
export interface LedgerEntry {
  agentId: string | null;
  provider: string;
  model: string;
  /** What the money was for: `task`, `review`, `planning`... */
  purpose: string;
  taskId: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** From knownCost (worker/prices/price.ts): reported, else priced, else unknown. */
  cost: { costUsd: number | null; source: CostSource | null };
  now: number;
}

/**
 * The ledger insert for a runner's report, to go in that report's batch. `afterChange`: only
 * when the statement just before it in the batch changed a row (the report won its race).
 */
export function ledgerStatement(
  db: D1Database,
  e: LedgerEntry,
  afterChange = false,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO spend_ledger (agent_id, provider, model, purpose, task_id, input_tokens, output_tokens, cost_usd, cost_source, created_at)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${afterChange ? 'changes() = 1' : '1'}`,
    )
    .bind(
      e.agentId,
      e.provider,
      e.model,
      e.purpose,
      e.taskId,
      e.inputTokens,
      e.outputTokens,
      e.cost.costUsd,
      e.cost.source,
      e.now,
    );
}
