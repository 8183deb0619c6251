import createClient, { type Client } from 'openapi-fetch';
import type { ExecutorPreset } from '../worker/agents/catalog';
import type { paths } from '../worker/openapi/schema.gen';
import type {
  ApprovedTask,
  Declaration,
  Disk,
  MergeResult,
  RunnerRepository,
  RunReport as WireRunReport,
} from '../worker/runners/wire';
import type { HeartbeatAnswer, PlanningClaim, RunnerAnswer } from './answers';
import type { DiffEntry } from './git/diff';
import type { Patch } from './git/patch';
import type { PlanningReport } from './planning/wire';
import type { ReviewClaim, ReviewReport } from './review/wire';
import { RUNNER_VERSION } from './version';

export type { InlineComment } from '../worker/reviews/comments/types';

type ClaimAnswer = RunnerAnswer<'/api/runner/claim'>;
/**
 * What the runner reads of a claimed task, typed by the schema: the task's fields it uses
 * (tests build claims by hand), and `mcp` and inline comments optional for older HQs.
 */
export type Claim = Omit<ClaimAnswer, 'task' | 'mcp'> & {
  task: Pick<
    ClaimAnswer['task'],
    | 'id'
    | 'title'
    | 'spec'
    | 'expectedScope'
    | 'branch'
    | 'baseBranch'
    | 'reviewComments'
    | 'runs'
    | 'headCommit'
    | 'headPushed'
  > &
    Partial<Pick<ClaimAnswer['task'], 'inlineComments'>>;
  mcp?: ClaimAnswer['mcp'];
};

export type { ReviewClaim, ReviewReport } from './review/wire';

/** What POST /api/runner/missions takes: a proposal as the run's agent. */
export type Proposal = NonNullable<
  paths['/api/runner/missions']['post']['requestBody']
>['content']['application/json'];

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
 * An id that goes into a path. `.` and `..` are refused (URLs resolve those, even encoded): an
 * id HQ got wrong cannot walk the runner's token to another endpoint. openapi-fetch encodes the
 * rest with encodeURIComponent.
 */
function pathId(kind: string, id: string): { id: string } {
  if (id === '.' || id === '..') throw new Error(`${kind} ${id} is a path step`);
  return { id };
}

/** What every openapi-fetch call resolves to. */
type Answer<T> = { data?: T; error?: unknown; response: Response };

/**
 * The runner API over HTTP, authenticated with the runner's bearer token, through the client
 * typed by the OpenAPI document (worker/openapi/schema.gen.ts): a route's body and answer are
 * checked against what HQ declares.
 */
export class HqClient {
  private readonly hq: Client<paths>;

  // The request behind each answer, for the error line (a Response does not carry its method).
  private readonly requests = new WeakMap<Response, Request>();

  constructor(server: string, token: string) {
    this.hq = createClient<paths>({
      baseUrl: server.replace(/\/+$/, ''),
      headers: { authorization: `Bearer ${token}` },
      // Looked up per call: a test (or a runtime) that swaps fetch later is still used.
      fetch: (request) => globalThis.fetch(request),
    });
    this.hq.use({
      onResponse: ({ request, response }) => {
        this.requests.set(response, request);
      },
    });
  }

  /** The data of a call, undefined on 204, or an HqError naming the request and HQ's message. */
  private async unwrap<T>(call: Promise<Answer<T>>): Promise<T | undefined> {
    const { data, error, response } = await call;
    if (response.status === 204) return undefined;
    if (response.ok) return data;
    // HQ's error shape when it is one; otherwise the raw text, as HQ (or a proxy) sent it.
    const body = (error as { error?: { message?: unknown } } | undefined)?.error;
    const message =
      typeof body?.message === 'string'
        ? body.message
        : typeof error === 'string'
          ? error
          : JSON.stringify(error);
    const request = this.requests.get(response);
    const url = new URL(request?.url ?? response.url);
    throw new HqError(
      response.status,
      `${request?.method ?? ''} ${url.pathname}${url.search}: ${response.status} ${message}`,
    );
  }

  claim(waitSeconds: number, disk?: Disk, signal?: AbortSignal): Promise<Claim | undefined> {
    return this.unwrap(
      this.hq.POST('/api/runner/claim', {
        body: { waitSeconds, ...(disk && { disk }) },
        ...(signal && { signal }),
      }),
    );
  }
  capabilities(capabilities: Capability[], repositories: RunnerRepository[]) {
    return this.unwrap(
      this.hq.PUT('/api/runner/capabilities', {
        body: { capabilities, repositories, runnerVersion: RUNNER_VERSION } satisfies Declaration,
      }),
    );
  }
  heartbeat(
    taskId: string,
    beat: NonNullable<
      paths['/api/runner/tasks/{id}/heartbeat']['post']['requestBody']
    >['content']['application/json'],
  ): Promise<HeartbeatAnswer | undefined> {
    return this.unwrap(
      this.hq.POST('/api/runner/tasks/{id}/heartbeat', {
        params: { path: pathId('task id', taskId) },
        body: beat,
      }),
    );
  }
  appendLog(taskId: string, batch: { run: number; seq: number; text: string }) {
    return this.unwrap(
      this.hq.POST('/api/runner/tasks/{id}/logs', {
        params: { path: pathId('task id', taskId) },
        body: batch,
      }),
    );
  }
  /** The run's patch for `headCommit` (masked and cut by runner/git/patch.ts), before the report. */
  uploadPatch(taskId: string, headCommit: string, patch: Patch) {
    return this.unwrap(
      this.hq.PUT('/api/runner/tasks/{id}/patch', {
        params: {
          path: pathId('task id', taskId),
          query: {
            head: headCommit,
            truncated: String(patch.truncated) as 'true' | 'false',
            fullBytes: patch.fullBytes,
          },
        },
        // The body is the diff itself, not JSON.
        body: patch.text,
        bodySerializer: (text) => text ?? '',
        headers: { 'content-type': 'text/x-diff; charset=utf-8' },
      }),
    );
  }
  report(taskId: string, report: RunReport) {
    return this.unwrap(
      this.hq.POST('/api/runner/tasks/{id}/report', {
        params: { path: pathId('task id', taskId) },
        body: report,
      }),
    );
  }
  release(taskId: string, reason: string) {
    return this.unwrap(
      this.hq.POST('/api/runner/tasks/{id}/release', {
        params: { path: pathId('task id', taskId) },
        body: { reason },
      }),
    );
  }
  /** Leases the approved tasks this runner may merge (HQ holds each for 120 s). */
  async verdicts(): Promise<ApprovedTask[]> {
    // The route takes no body.
    return (await this.unwrap(this.hq.POST('/api/runner/verdicts')))?.approved ?? [];
  }
  /** Leases the next review job this runner can run, or undefined (204). */
  reviewClaim(): Promise<ReviewClaim | undefined> {
    return this.unwrap(this.hq.POST('/api/runner/reviews/claim', { body: {} }));
  }
  reviewReport(jobId: string, report: ReviewReport) {
    return this.unwrap(
      this.hq.POST('/api/runner/reviews/{id}/report', {
        params: { path: pathId('review job id', jobId) },
        body: report,
      }),
    );
  }
  reviewRelease(jobId: string, reason: string) {
    return this.unwrap(
      this.hq.POST('/api/runner/reviews/{id}/release', {
        params: { path: pathId('review job id', jobId) },
        body: { reason },
      }),
    );
  }
  /** Leases the next planning run this runner can run, or undefined (204). */
  planningClaim(): Promise<PlanningClaim | undefined> {
    return this.unwrap(this.hq.POST('/api/runner/planning/claim', { body: {} }));
  }
  planningReport(jobId: string, report: PlanningReport) {
    return this.unwrap(
      this.hq.POST('/api/runner/planning/{id}/report', {
        params: { path: pathId('planning job id', jobId) },
        body: report,
      }),
    );
  }
  planningRelease(jobId: string, reason: string) {
    return this.unwrap(
      this.hq.POST('/api/runner/planning/{id}/release', {
        params: { path: pathId('planning job id', jobId) },
        body: { reason },
      }),
    );
  }
  /** An agent's proposal: a new mission (`proposed`) or folded into an open one. */
  propose(proposal: Proposal) {
    return this.unwrap(this.hq.POST('/api/runner/missions', { body: proposal }));
  }
  /** The tracked files and head of a served repository's default branch (runner/repo-snapshot.ts). */
  snapshot(
    repository: string,
    snapshot: { branch: string; headCommit: string; files: string[]; fileCount: number },
  ) {
    return this.unwrap(
      this.hq.PUT('/api/runner/repositories/{name}/snapshot', {
        params: { path: { name: pathId('repository', repository).id } },
        body: snapshot,
      }),
    );
  }
  merged(taskId: string, result: MergeResult) {
    return this.unwrap(
      this.hq.POST('/api/runner/tasks/{id}/merge', {
        params: { path: pathId('task id', taskId) },
        body: result,
      }),
    );
  }
}
