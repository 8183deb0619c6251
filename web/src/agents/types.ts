import type { ExecutorConfig } from '../../../worker/agents/catalog';
import type { Change } from '../../../worker/agents/diff';

export { PROVIDERS, TRACKED_FIELDS } from '../../../worker/agents/catalog';
export type { Change } from '../../../worker/agents/diff';

/** The agent as the API returns it (secrets already redacted by the server). */
export interface Agent {
  id: string;
  slug: string;
  name: string;
  type: 'LEAD' | 'WORKER' | 'REVIEWER';
  role: string;
  identity: string;
  model: string;
  provider: string;
  tools: string[];
  mcpServers: Record<string, unknown>;
  /** Stored secrets no key opens (they read as [UNREADABLE]); empty when all open. */
  unreadableSecrets: string[];
  schedule: string | null;
  workerEnabled: boolean;
  /** Null: the runner's own default executor. */
  executor: ExecutorConfig | null;
  reportsTo: string | null;
  monthlyBudgetUsd: number | null;
  /** Tokens in and out per month; null: no token budget. */
  monthlyBudgetTokens: number | null;
  revision: number;
  archivedAt: string | null;
  /** Known money only: runs of unknown cost are counted in unknownCostThisMonth. */
  spentThisMonthUsd: number;
  tokensThisMonth: number;
  unknownCostThisMonth: number;
}

export interface RevisionSummary {
  number: number;
  actor: string;
  reason: string | null;
  createdAt: string;
  diff: Change[];
}
