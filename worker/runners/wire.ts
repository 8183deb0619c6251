// What a runner sends HQ at the end of a run: shared by the worker and the runner CLI, so
// both sides of the wire have one definition (types only, no runtime code).

export interface RunReport {
  outcome: 'success' | 'failure';
  commits: string[];
  numstat: { path: string; added: number; removed: number }[];
  /** Null: the executor reported none (unknown, not zero). */
  inputTokens: number | null;
  outputTokens: number | null;
  /** Null: nobody priced the run (the CLI reports tokens only); recorded as unknown, not $0. */
  costUsd: number | null;
  provider: string;
  model: string;
  error?: string | undefined;
  /** Why the runner stopped a failed run: `budget`, a budget was passed while it ran. */
  reason?: 'budget' | undefined;
}
