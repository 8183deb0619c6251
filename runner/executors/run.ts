import type { ExecutorConfig, ExecutorPreset } from '../../worker/agents/catalog';
import type { AgentUser } from '../agent-user';
import type { Claim } from '../api';
import type { CliOptions } from '../options';
import { runOpenAi } from './openai';
import {
  type AgentExecutorConfig,
  PRESETS,
  type PresetName,
  type PresetResult,
  runPreset,
} from './presets';

// Which executor runs a claimed task, with the agent's config as that executor takes it, and
// the run itself. The agent's own executor wins; an agent without one runs with the runner's
// `--executor`.

// The agent field's presets are the CLI presets plus the built-in loop: checked here so the
// worker's list (worker/agents/catalog.ts) and the runner's cannot drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const presetListsAgree: Same<ExecutorPreset, PresetName | 'openai'> = true;

export interface Chosen {
  executor: ExecutorConfig;
  /** What a CLI preset (runner/executors/presets) is given; the built-in loop reads it too. */
  config: AgentExecutorConfig;
}

/** The name HQ's own MCP server has in every CLI's config; it replaces an agent's server of that name. */
export const HQ_SERVER = 'hq';

/**
 * The agent's MCP servers for this run, with HQ's own (`hq`) when the claim carries it: the
 * run's token goes in its Authorization header, so it reaches the CLI only the way the agent's
 * own header secrets do (the run's 0600 config file; codex alone takes headers by variable).
 */
function runServers(claim: Pick<Claim, 'agent' | 'mcp'>): AgentExecutorConfig['mcpServers'] {
  const servers = { ...(claim.agent?.mcpServers ?? {}) };
  if (claim.mcp)
    servers[HQ_SERVER] = {
      url: claim.mcp.url,
      headers: { Authorization: `Bearer ${claim.mcp.token}` },
    };
  return servers;
}

export function chooseExecutor(
  claim: Pick<Claim, 'agent' | 'mcp'>,
  fallback: Pick<CliOptions, 'executor' | 'command'>,
): Chosen {
  const agent = claim.agent;
  // Without its own executor the agent runs as the runner was told to run agents.
  const executor: ExecutorConfig = agent?.executor ?? {
    preset: fallback.executor,
    ...(fallback.executor === 'command' ? { command: fallback.command } : {}),
  };
  return {
    executor,
    config: {
      identity: agent?.identity ?? '',
      model: agent?.model ?? '',
      tools: agent?.tools ?? [],
      mcpServers: runServers(claim),
      options: {
        ...(executor.maxTurns ? { maxTurns: executor.maxTurns } : {}),
        ...(executor.extraArgs ? { extraArgs: executor.extraArgs } : {}),
        ...(executor.command ? { command: executor.command } : {}),
      },
    },
  };
}

/** What any executor's run comes to; null tokens or cost are unknown, and reported so. */
export type RunResult = Omit<PresetResult, 'exitCode' | 'lastMeaningfulLine' | 'cachedInputTokens'>;

/** What a run has used so far, from the executor's running totals; null is unknown. */
export interface Usage {
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

/** What the executor adds to the log, and its running totals, as it goes. */
export interface Output {
  tail: string;
  added: string;
  usage: Usage;
}

/** Tokens in and out together; unknown when neither is known. */
export function sum(input: number | null, output: number | null): number | null {
  return input === null && output === null ? null : (input ?? 0) + (output ?? 0);
}

/**
 * The provider and model a run's spend is reported under (and priced with): the agent's for a
 * CLI preset; `openai-compatible` and the loop's model for the built-in loop.
 */
export function spendAs(
  claim: Pick<Claim, 'agent'>,
  opts: Pick<CliOptions, 'executor' | 'command' | 'openai'>,
): { provider: string; model: string } {
  const { executor, config } = chooseExecutor(claim, opts);
  if (executor.preset !== 'openai')
    return { provider: claim.agent?.provider || 'none', model: claim.agent?.model || 'none' };
  // The loop's --model is for agents without an executor of their own.
  const model =
    (claim.agent?.executor ? undefined : opts.openai.model) ?? (config.model || 'gpt-4.1');
  return { provider: 'openai-compatible', model };
}

/**
 * Runs the agent on the task in the clone `cwd` with the allowlisted `env`: a CLI preset,
 * or the built-in loop; as `user` when the runner has one for agents (`--agent-user`).
 * Returns the result with the provider and model to report spend under.
 */
export async function runExecutor(
  claim: Pick<Claim, 'agent' | 'mcp'>,
  opts: Pick<CliOptions, 'executor' | 'command' | 'openai'>,
  run: {
    cwd: string;
    env: Record<string, string>;
    prompt: string;
    signal: AbortSignal;
    user: AgentUser | null;
  },
  onOutput: (output: Output) => void,
): Promise<{ result: RunResult; provider: string; model: string }> {
  const { executor, config } = chooseExecutor(claim, opts);
  const { provider, model } = spendAs(claim, opts);
  if (executor.preset !== 'openai') {
    const result = await runPreset(
      PRESETS[executor.preset],
      config,
      run.cwd,
      run.env,
      run.prompt,
      (p) =>
        onOutput({
          tail: p.tail,
          added: p.added,
          usage: { inputTokens: p.inputTokens, outputTokens: p.outputTokens, costUsd: p.costUsd },
        }),
      run.signal,
      run.user,
    );
    return { result, provider, model };
  }
  const result = await runOpenAi(
    {
      ...opts.openai,
      model,
      identity: config.identity,
      maxSteps: executor.maxTurns ?? opts.openai.maxSteps,
    },
    run.cwd,
    run.env,
    run.prompt,
    (tail, usage, added) => onOutput({ tail, added, usage }),
    run.signal,
    run.user,
  );
  return { result, provider, model };
}
