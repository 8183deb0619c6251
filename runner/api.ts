import type { ExecutorConfig, ExecutorPreset } from '../worker/agents/catalog';
import type { InlineComment } from '../worker/reviews/comments/types';
import type {
  ApprovedTask,
  Declaration,
  Disk,
  MergeResult,
  RunnerRepository,
  RunReport as WireRunReport,
} from '../worker/runners/wire';
import type { HeartbeatAnswer } from './budget';
import type { McpServerConfig } from './executors/presets';
import type { Usage } from './executors/run';
import type { DiffEntry } from './git/diff';
import type { Patch } from './git/patch';
import type { PlanningClaim, PlanningReport } from './planning/wire';
import type { ReviewClaim, ReviewReport } from './review/wire';
import { RUNNER_VERSION } from './version';

export type { InlineComment } from '../worker/reviews/comments/types';

/** What HQ hands a runner with a claimed task (see worker/runners/api-definitions.ts). */
export interface Claim {
  timeoutSeconds: number;
  task: {
    id: string;
    title: string;
    spec: string;
    expectedScope: string[];
    branch: string;
    baseBranch: string;
    reviewComments: string | null;
    /** Claims of this task so far, this one included: the run its log goes to. */
    runs: number;
    /** The head the last report recorded (a later round continues from it); null before. */
    headCommit: string | null;
    /** That head was pushed to the repository's remote as `hq/<task id>`. */
    headPushed: boolean;
    /** The inline review comments sent with this run (absent from an HQ before issue 18). */
    inlineComments?: InlineComment[];
  };
  mission: { id: string; title: string; brief: string; repository: string; targetBranch: string };
  agent: {
    slug: string;
    name: string;
    model: string;
    provider: string;
    identity: string;
    tools: string[];
    /** Null: run it with this runner's `--executor`. */
    executor: ExecutorConfig | null;
    /** Secrets unsealed for this run: they go to the run's own files only, never to a log. */
    mcpServers: Record<string, McpServerConfig>;
  } | null;
  /**
   * HQ's own MCP server and this run's token for it (absent from an HQ before issue 19): the
   * CLI gets it as the server `hq`. The token is a secret like the agent's MCP headers.
   */
  mcp?: { url: string; token: string };
}

export type { ReviewClaim, ReviewReport } from './review/wire';

/** What this runner can run, as it tells HQ at start. */
export interface Capability {
  preset: ExecutorPreset;
  version: string | null;
}

/** The report: the shared wire type, its numstat entries as the runner's diff gives them. */
export type RunReport = Omit<WireRunReport, 'numstat'> & { numstat: DiffEntry[] };

// Repositories, disk, leased approvals and merge results: one definition on both sides.
export type {
  ApprovedTask as Approved,
  Disk,
  MergeResult as MergeReport,
  RunnerRepository,
} from '../worker/runners/wire';

/** A refusal from HQ: the status tells the runner whether to let go of the task (409). */
export class HqError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A task's endpoints. The id is encoded, and `.` or `..` refused (URLs resolve those, even
 * encoded): an id HQ got wrong cannot walk the runner's token to another endpoint.
 */
function taskPath(taskId: string): string {
  if (taskId === '.' || taskId === '..') throw new Error(`task id ${taskId} is a path step`);
  return `/api/runner/tasks/${encodeURIComponent(taskId)}`;
}

/** A review job's endpoints, with the same care as a task's. */
function reviewPath(jobId: string): string {
  if (jobId === '.' || jobId === '..') throw new Error(`review job id ${jobId} is a path step`);
  return `/api/runner/reviews/${encodeURIComponent(jobId)}`;
}

/** A planning run's endpoints, with the same care as a task's. */
function planningPath(jobId: string): string {
  if (jobId === '.' || jobId === '..') throw new Error(`planning job id ${jobId} is a path step`);
  return `/api/runner/planning/${encodeURIComponent(jobId)}`;
}

/** The runner API over HTTP, authenticated with the runner's bearer token. */
export class HqClient {
  constructor(
    private readonly server: string,
    private readonly token: string,
  ) {}

  private call<T>(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    const json =
      body === undefined ? undefined : { text: JSON.stringify(body), type: 'application/json' };
    return this.send<T>(method, path, json, signal);
  }

  /** One request with a body of any type (JSON for most, a text patch for one). */
  private async send<T>(
    method: string,
    path: string,
    body?: { text: string; type: string },
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    const response = await fetch(new URL(path, this.server), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': body.type }),
      },
      body: body?.text,
      signal: signal ?? null,
    });
    if (response.status === 204) return undefined;
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error: { message: string } }).error.message;
      } catch {
        // not our error shape: keep the raw text
      }
      throw new HqError(response.status, `${method} ${path}: ${response.status} ${message}`);
    }
    return JSON.parse(text) as T;
  }

  claim(waitSeconds: number, disk?: Disk, signal?: AbortSignal) {
    return this.call<Claim>(
      'POST',
      '/api/runner/claim',
      { waitSeconds, ...(disk && { disk }) },
      signal,
    );
  }
  capabilities(capabilities: Capability[], repositories: RunnerRepository[]) {
    return this.call<{ capabilities: Capability[]; repositories: RunnerRepository[] }>(
      'PUT',
      '/api/runner/capabilities',
      { capabilities, repositories, runnerVersion: RUNNER_VERSION } satisfies Declaration,
    );
  }
  heartbeat(
    taskId: string,
    beat: {
      phase?: string;
      progress?: number;
      logTail?: string;
      lastLine?: string;
      usage?: Usage & { provider: string; model: string };
      disk?: Disk;
    },
  ) {
    return this.call<HeartbeatAnswer>('POST', `${taskPath(taskId)}/heartbeat`, beat);
  }
  appendLog(taskId: string, batch: { run: number; seq: number; text: string }) {
    return this.call('POST', `${taskPath(taskId)}/logs`, batch);
  }
  /** The run's patch for `headCommit` (masked and cut by runner/git/patch.ts), before the report. */
  uploadPatch(taskId: string, headCommit: string, patch: Patch) {
    const query = new URLSearchParams({
      head: headCommit,
      truncated: String(patch.truncated),
      fullBytes: String(patch.fullBytes),
    });
    return this.send<{ bytes: number }>('PUT', `${taskPath(taskId)}/patch?${query}`, {
      text: patch.text,
      type: 'text/x-diff; charset=utf-8',
    });
  }
  report(taskId: string, report: RunReport) {
    return this.call<{ status: string; scopeViolations: string[] }>(
      'POST',
      `${taskPath(taskId)}/report`,
      report,
    );
  }
  release(taskId: string, reason: string) {
    return this.call('POST', `${taskPath(taskId)}/release`, { reason });
  }
  /** Leases the approved tasks this runner may merge (HQ holds each for 120 s). */
  async verdicts(): Promise<ApprovedTask[]> {
    return (
      (await this.call<{ approved: ApprovedTask[] }>('POST', '/api/runner/verdicts', {}))
        ?.approved ?? []
    );
  }
  /** Leases the next review job this runner can run, or undefined (204). */
  reviewClaim() {
    return this.call<ReviewClaim>('POST', '/api/runner/reviews/claim', {});
  }
  reviewReport(jobId: string, report: ReviewReport) {
    return this.call<{ status: string; refused: string[] }>(
      'POST',
      `${reviewPath(jobId)}/report`,
      report,
    );
  }
  reviewRelease(jobId: string, reason: string) {
    return this.call('POST', `${reviewPath(jobId)}/release`, { reason });
  }
  /** Leases the next planning run this runner can run, or undefined (204). */
  planningClaim() {
    return this.call<PlanningClaim>('POST', '/api/runner/planning/claim', {});
  }
  planningReport(jobId: string, report: PlanningReport) {
    return this.call<{ status: string; proposed: number; merged: number }>(
      'POST',
      `${planningPath(jobId)}/report`,
      report,
    );
  }
  planningRelease(jobId: string, reason: string) {
    return this.call('POST', `${planningPath(jobId)}/release`, { reason });
  }
  /** An agent's proposal: a new mission (`proposed`) or folded into an open one. */
  propose(proposal: Record<string, unknown> & { agent: string; repository: string }) {
    return this.call<{ id: string; outcome: 'proposed' | 'merged' | 'duplicate' }>(
      'POST',
      '/api/runner/missions',
      proposal,
    );
  }
  /** The tracked files and head of a served repository's default branch (runner/repo-snapshot.ts). */
  snapshot(
    repository: string,
    snapshot: { branch: string; headCommit: string; files: string[]; fileCount: number },
  ) {
    return this.call<{ files: number; fileCount: number }>(
      'PUT',
      `/api/runner/repositories/${encodeURIComponent(repository)}/snapshot`,
      snapshot,
    );
  }
  merged(taskId: string, result: MergeResult) {
    return this.call<{ status: string }>('POST', `${taskPath(taskId)}/merge`, result);
  }
}
