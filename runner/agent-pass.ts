import { type AgentUser, handOver } from './agent-user';
import { type Claim, HqError } from './api';
import { type RunResult, runExecutor } from './executors/run';
import { Masker, mcpSecretValues, runSecrets } from './logs/mask';
import type { CliOptions } from './options';

// One pass of an agent outside any task: a reviewer agent's first review, a lead's planning
// run. The agent runs once with its own executor (or the runner's default) in a folder the
// caller prepared, under a time limit; the caller reads the file it was asked to write.

export interface PassOptions {
  agentUser: AgentUser | null;
  executor: CliOptions['executor'];
  command: string;
  openai: CliOptions['openai'];
  declaredEnv: string[];
}

/** What a pass used, as HQ records it in the ledger. */
export interface PassSpend {
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  provider: string;
  model: string;
}

export type PassOutcome =
  | { stopped: true }
  | {
      stopped: false;
      result: RunResult;
      spend: PassSpend;
      timedOut: boolean;
      /** Masks the run's secrets (declared variables, MCP values, the API key) in any text. */
      masker: Masker;
    };

/**
 * Runs `agent` once in `run.cwd` with `run.prompt`; `run.owned` are handed to the agent user
 * first, if there is one. `stopped`: the runner stopped it (the job goes back to HQ).
 */
export async function runAgentPass(
  opts: PassOptions,
  agent: NonNullable<Claim['agent']>,
  run: {
    cwd: string;
    env: Record<string, string>;
    prompt: string;
    timeoutSeconds: number;
    owned: string[];
  },
  signal: AbortSignal,
): Promise<PassOutcome> {
  const masker = new Masker(
    runSecrets(opts.declaredEnv, process.env, [
      opts.openai.apiKey,
      ...mcpSecretValues(agent.mcpServers),
    ]),
  );
  if (opts.agentUser) await handOver(run.owned, opts.agentUser);
  const timeout = AbortSignal.timeout(run.timeoutSeconds * 1000);
  const { result, provider, model } = await runExecutor(
    { agent },
    opts,
    {
      cwd: run.cwd,
      env: run.env,
      prompt: run.prompt,
      signal: AbortSignal.any([signal, timeout]),
      user: opts.agentUser,
    },
    () => undefined,
  );
  if (signal.aborted || (result.interrupted && !timeout.aborted)) return { stopped: true };
  const spend = {
    inputTokens: result.inputTokens,
    outputTokens: result.outputTokens,
    costUsd: result.costUsd,
    provider,
    model,
  };
  return { stopped: false, result, spend, timedOut: timeout.aborted, masker };
}

/** `problem`, with the executor's own failure and the end of its log when it failed too. */
export function withExecutorFailure(problem: string, result: RunResult): string {
  return result.ok
    ? problem
    : `${problem}; the executor failed: ${result.error ?? ''}\n${result.logTail.slice(-1000)}`;
}

/**
 * A lease call (`lease`) that an HQ from before this kind of job answers 404: `missing` is
 * called once, and the lease is never asked for again.
 */
export function leaseWhileSupported<T>(
  lease: () => Promise<T | undefined>,
  missing: () => void,
): () => Promise<T | undefined> {
  let unsupported = false;
  return async () => {
    if (unsupported) return undefined;
    return lease().catch((error: unknown) => {
      if (!(error instanceof HqError) || error.status !== 404) throw error;
      unsupported = true;
      missing();
      return undefined;
    });
  };
}
