import type { TASK_STATUSES } from '../../../drizzle/schema/states';

export { TASK_STATUSES as TASK_STATES } from '../../../drizzle/schema/states';

export interface Task {
  id: string;
  missionId: string;
  title: string;
  spec: string;
  expectedScope: string[];
  agentId: string | null;
  status: (typeof TASK_STATUSES)[number];
  branch: string | null;
  phase: string | null;
  progress: number | null;
  /** The last meaningful line of the agent's output, from the runner's heartbeats. */
  lastLine: string | null;
  /** Claims so far: the latest run's log is run `runs`. */
  runs: number;
  commits: string[] | null;
  /** Every changed path against the base; a rename is a deletion plus an addition. */
  diffNumstat:
    | {
        path: string;
        added: number;
        removed: number;
        change?: 'added' | 'deleted' | 'modified' | 'type-changed';
        oldMode?: string;
        newMode?: string;
      }[]
    | null;
  /** Paths whose line counts hide something: a symbolic link, a submodule, a mode change. */
  diffFlags: { path: string; flag: 'symlink' | 'submodule' | 'mode'; detail: string }[];
  /** The commit the last report recorded: what review reviews and approval merges. */
  headCommit: string | null;
  /** That head was pushed to the repository's remote. */
  headPushed: boolean;
  scopeViolations: string[] | null;
  reviewComments: string | null;
  verdict: 'approve' | 'changes' | null;
  failureReason: string | null;
  /** Money of the finished runs whose cost is known (reported or estimated). */
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** False when a finished run's cost is unknown (it is not in costUsd). */
  costKnown: boolean;
  unknownCostRuns: number;
  estimatedCostRuns: number;
  /** While RUNNING: what the run has used so far (null: unknown). */
  currentRun: {
    inputTokens: number | null;
    outputTokens: number | null;
    costUsd: number | null;
  } | null;
  createdAt: string;
  updatedAt: string;
}

export interface TaskEvent {
  actor: string;
  from: string | null;
  to: string;
  reason: string | null;
  at: string;
}

/** Review is needed when a task waits in REVIEW without a verdict. */
export const needsReview = (t: Task) => t.status === 'REVIEW' && t.verdict === null;
