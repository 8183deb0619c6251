// What a runner sends HQ at the end of a run: shared by the worker and the runner CLI, so
// both sides of the wire have one definition (types only, no runtime code).

/** One changed path against the base (`git diff --no-renames -z --numstat` with `--raw`). */
export interface NumstatEntry {
  path: string;
  added: number;
  removed: number;
  change?: 'added' | 'deleted' | 'modified' | 'type-changed' | undefined;
  /** Six octal digits (`100644`, `100755`, `120000` symlink, `160000` submodule). */
  oldMode?: string | undefined;
  newMode?: string | undefined;
}

export interface RunReport {
  outcome: 'success' | 'failure';
  commits: string[];
  /** Every path, a rename as a deletion plus an addition: HQ checks the scope of each. */
  numstat: NumstatEntry[];
  /**
   * The commit the runner recorded as the run's result, at `refs/heads/hq/<task id>` in its
   * own repository: what review sees and exactly what an approval merges (HQ answers 400
   * without it).
   */
  headCommit: string;
  /** That ref was also pushed to the repository's remote (default false). */
  pushed?: boolean | undefined;
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
  /**
   * The old-side hunks of `git diff -U0 --no-renames <the claim's head> <headCommit>`: the
   * lines of the last round this run changed. Null or absent: not known (a first round, or
   * the previous head is not in the runner's repository).
   */
  roundHunks?: { path: string; oldStart: number; oldLines: number }[] | null | undefined;
}

/** A repository a runner serves; `pushes`: it pushes task branches and merges to the remote. */
export interface RunnerRepository {
  name: string;
  pushes: boolean;
}

/** Where the runner keeps its clones: free bytes there, and how many clones it holds. */
export interface Disk {
  freeBytes: number;
  clones: number;
}

/** One approved task leased to this runner for its merge (POST /api/runner/verdicts). */
export interface ApprovedTask {
  taskId: string;
  branch: string;
  baseBranch: string;
  repository: string;
  headCommit: string;
  pushed: boolean;
}

/** What the runner says of an approved task's merge (POST /api/runner/tasks/{id}/merge). */
export type MergeResult =
  | { result: 'merged'; mergeCommit: string; pushed?: boolean }
  | { result: 'conflict'; files: string[] }
  | { result: 'moved'; found: string | null; detail?: string };

/** What a runner says at start (PUT /api/runner/capabilities). */
export interface Declaration {
  capabilities: { preset: string; version: string | null }[];
  repositories: RunnerRepository[];
  /** The runner CLI's own version; older runners leave it out (HQ stores null). */
  runnerVersion?: string | undefined;
}
