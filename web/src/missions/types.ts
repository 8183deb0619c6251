import type { Change } from '../agents/types';
import type { Task } from '../tasks/types';

// The mission page's view of the API: GET /api/missions/{id} and what issue 21 adds beside it
// (revisions, history, estimate). Written from the contract the worker routes answer to.

export interface PlannedTask {
  title: string;
  spec: string;
  expectedScope: string[];
  agentHint: string | null;
  roleHint: string | null;
}

export interface Mission {
  id: string;
  title: string;
  brief: string;
  repository: string;
  targetBranch: string;
  status: string;
  proposedBy: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason?: string | null;
  plan: PlannedTask[];
  budgetUsd: number | null;
  budgetTokens: number | null;
  spentUsd: number;
  spentTokens: number;
  finishReason: string | null;
  /** 0 as proposed; every edit adds one. Approving names the one shown. */
  revision: number;
  createdAt: string;
}

/** One mission with its tasks (once approved) and what it has spent (null: no run yet). */
export interface MissionDetail extends Mission {
  tasks: Task[];
  spent: { usd: number; tokens: number; unknownCost: number } | null;
}

export interface MissionRevision {
  number: number;
  actor: string;
  reason: string | null;
  /** The fields this revision changed. */
  fields: string[];
  diff: Change[];
  createdAt: string;
}

export interface HistoryItem {
  at: string;
  actor: string;
  kind: 'proposed' | 'revised' | 'approved' | 'rejected' | 'task' | 'ended';
  text: string;
}

export interface TaskEstimate {
  title: string;
  basis: 'agent' | 'role' | 'none';
  who: string | null;
  samples: number;
  medianUsd: number | null;
  lowUsd: number | null;
  highUsd: number | null;
  /** How low and high were taken: percentiles, or min and max under 5 samples. */
  range: 'p10-p90' | 'min-max' | null;
}

export interface Estimate {
  tasks: TaskEstimate[];
  total: { medianUsd: number; lowUsd: number; highUsd: number } | null;
  /** Distinct past tasks behind the estimate. */
  pastTasks: number;
  noHistory: string[];
  budgetUsd: number | null;
  agents: { slug: string; remainingMonthlyUsd: number | null }[];
  warnings: string[];
}
