import type { Claim } from '../api';

// The review job's side of the runner API (worker/runners/review-definitions.ts).

/** A review job HQ leased to this runner (POST /api/runner/reviews/claim). */
export interface ReviewClaim {
  job: { id: string; taskId: string; headCommit: string };
  task: {
    title: string;
    spec: string;
    expectedScope: string[];
    scopeViolations: string[];
    numstat: { path: string; added: number; removed: number }[];
  };
  mission: { title: string; brief: string; repository: string };
  /** The reviewer agent, in the shape of a task claim's agent. */
  reviewer: NonNullable<Claim['agent']>;
  patch: { text: string; truncated: boolean; fullBytes: number };
  timeoutSeconds: number;
}

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
