import type { ExecutorConfig, ExecutorPreset } from '../worker/agents/catalog';
import type { RunReport } from '../worker/runners/wire';
import type { HeartbeatAnswer } from './budget';
import type { McpServerConfig } from './executors/presets';
import type { Usage } from './executors/run';

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
}

/** What this runner can run, as it tells HQ at start. */
export interface Capability {
  preset: ExecutorPreset;
  version: string | null;
}

export type { RunReport } from '../worker/runners/wire';

/** A refusal from HQ: the status tells the runner whether to let go of the task (409). */
export class HqError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The runner API over HTTP, authenticated with the runner's bearer token. */
export class HqClient {
  constructor(
    private readonly server: string,
    private readonly token: string,
  ) {}

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    const response = await fetch(new URL(path, this.server), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
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

  claim(waitSeconds: number, signal?: AbortSignal) {
    return this.call<Claim>('POST', '/api/runner/claim', { waitSeconds }, signal);
  }
  capabilities(capabilities: Capability[]) {
    return this.call<{ capabilities: Capability[] }>('PUT', '/api/runner/capabilities', {
      capabilities,
    });
  }
  heartbeat(
    taskId: string,
    beat: {
      phase?: string;
      progress?: number;
      logTail?: string;
      lastLine?: string;
      usage?: Usage & { provider: string; model: string };
    },
  ) {
    return this.call<HeartbeatAnswer>('POST', `/api/runner/tasks/${taskId}/heartbeat`, beat);
  }
  appendLog(taskId: string, batch: { run: number; seq: number; text: string }) {
    return this.call('POST', `/api/runner/tasks/${taskId}/logs`, batch);
  }
  report(taskId: string, report: RunReport) {
    return this.call<{ status: string; scopeViolations: string[] }>(
      'POST',
      `/api/runner/tasks/${taskId}/report`,
      report,
    );
  }
  release(taskId: string, reason: string) {
    return this.call('POST', `/api/runner/tasks/${taskId}/release`, { reason });
  }
  async verdicts() {
    return (
      (
        await this.call<{ approved: { taskId: string; branch: string; baseBranch: string }[] }>(
          'GET',
          '/api/runner/verdicts',
        )
      )?.approved ?? []
    );
  }
  merged(
    taskId: string,
    result: { result: 'merged'; mergeCommit: string } | { result: 'conflict'; files: string[] },
  ) {
    return this.call('POST', `/api/runner/tasks/${taskId}/merge`, result);
  }
}
