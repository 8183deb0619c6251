export type { ReviewClaim } from '../answers';

// The review job's side of the runner API (worker/runners/review-definitions.ts).

/** What the runner says of a review job (POST /api/runner/reviews/{id}/report). */
export interface ReviewReport {
  outcome: 'success' | 'failure';
  verdict?: 'approve' | 'changes';
  summary?: string;
  comments?: { path: string; line: number; endLine?: number; side?: 'new' | 'old'; body: string }[];
  error?: string;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  provider: string;
  model: string;
}
