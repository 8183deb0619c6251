import type { PassSpend } from '../agent-pass';

export type { PlanningClaim } from '../answers';

// The planning run's side of the runner API (worker/runners/planning-definitions.ts).

/** What the runner says of a planning run (POST /api/runner/planning/{id}/report). */
export interface PlanningReport extends PassSpend {
  outcome: 'success' | 'failure';
  error?: string;
}
