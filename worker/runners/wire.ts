// What a runner sends HQ at the end of a run: shared by the worker and the runner CLI, so
// both sides of the wire have one definition (types only, no runtime code).

export interface RunReport {
  outcome: 'success' | 'failure';
  commits: string[];
  numstat: { path: string; added: number; removed: number }[];
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  provider: string;
  model: string;
  error?: string | undefined;
}
