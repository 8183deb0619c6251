import type { PassSpend } from '../agent-pass';
import type { Claim } from '../api';

// The planning run's side of the runner API (worker/runners/planning-definitions.ts).

/** A planning run HQ leased to this runner (POST /api/runner/planning/claim). */
export interface PlanningClaim {
  job: {
    id: string;
    routineId: string;
    repository: string;
    targetBranch: string;
    fingerprint: string;
  };
  /** The planning agent, in the shape of a task claim's agent. */
  agent: NonNullable<Claim['agent']>;
  snapshot: { headCommit: string; fileCount: number; reportedAt: string } | null;
  openMissions: {
    id: string;
    title: string;
    status: 'PROPOSED' | 'APPROVED';
    proposedBy: string;
    brief: string;
    tasks: string[];
  }[];
  timeoutSeconds: number;
}

/** What the runner says of a planning run (POST /api/runner/planning/{id}/report). */
export interface PlanningReport extends PassSpend {
  outcome: 'success' | 'failure';
  error?: string;
}
