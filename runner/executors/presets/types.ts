// The shapes every executor preset shares: what HQ tells the runner about an agent, what a
// preset turns that into (a process to start, files to write), and what comes back out of
// the CLI's machine-readable output once it is normalised.

/** The CLIs HQ knows how to drive; `command` is any other CLI (prompt on standard input). */
export const PRESET_NAMES = [
  'claude-code',
  'codex',
  'gemini',
  'opencode',
  'aider',
  'command',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * One MCP server, in the shape of the worker's agent field (worker/agents/fields.ts
 * `McpServer`): exactly one of `command` (a local stdio server) or `url` (a remote one).
 * `env` and `headers` are the secrets, already unsealed: they go only into the run's own
 * files (mode 0600) or the child's environment, never into argv or logs.
 */
export interface McpServerConfig {
  command?: string;
  args?: string[];
  url?: string;
  env?: Record<string, string>;
  headers?: Record<string, string>;
}

/** What an agent brings to a run (its tracked fields, as the claim will carry them). */
export interface AgentExecutorConfig {
  /** The agent's identity: the system prompt, or appended to the CLI's own. */
  identity: string;
  /** The model as the CLI names it (opencode wants `provider/model`); empty: the CLI's default. */
  model: string;
  /** Tools the CLI may use without asking, in the CLI's own naming. */
  tools: string[];
  /** Keyed by server name, as in the worker's `mcpServers` field. */
  mcpServers: Record<string, McpServerConfig>;
  options: {
    /** Turn or step limit, where the CLI has one. */
    maxTurns?: number;
    /** Appended to the CLI's arguments as they are. */
    extraArgs?: string[];
    /** The `command` preset only: the shell command to run. */
    command?: string;
  };
}

/** A file a run needs (an MCP config, a settings file), written mode 0600 inside the run folder. */
export interface RunFile {
  path: string;
  contents: string;
}

/** How to start the CLI for one run. */
export interface Invocation {
  /** The program and its arguments; argv[0] is looked up on PATH. */
  argv: string[];
  /** Written to the child's standard input, which is then closed. */
  stdin: string;
  files: RunFile[];
  /** Added to the (already allowlisted) environment of the child. */
  env: Record<string, string>;
  /** Parts of the config this CLI cannot honour (said once, in the run's log). */
  notes: string[];
}

/** Why a run failed, when the CLI says so. */
export type FailureReason = 'max_turns' | 'rate_limit' | 'error';

/**
 * One normalised event from the CLI's output. `usage` events carry running totals for the
 * run so far (not deltas), so a progress display can show them as they come.
 */
export interface StreamEvent {
  kind: 'text' | 'tool' | 'usage' | 'result' | 'error';
  lastLine?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  ok?: boolean;
  reason?: FailureReason;
}

/**
 * What a run amounted to. Tokens are `null` when the CLI reported none, and `costUsd` is
 * `null` when the CLI reported no money (the cost is then priced later from tokens), never
 * a made-up 0.
 */
export interface RunSummary {
  ok: boolean;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Input tokens served from a prompt cache (a part of `inputTokens`), when reported. */
  cachedInputTokens: number | null;
  costUsd: number | null;
  error?: string;
  reason?: FailureReason;
  lastMeaningfulLine: string;
}

/** Reads one CLI's output as it arrives; robust to split lines, noise and unknown events. */
export interface StreamParser {
  feed(chunk: string): StreamEvent[];
  /** Flushes a last unterminated line; `exitCode` lets a CLI's documented codes count. */
  finish(exitCode: number | null): RunSummary;
}

/** A CLI preset: data plus pure functions, no I/O. */
export interface Preset {
  name: PresetName;
  /** The program probed on PATH (`null`: the command preset runs whatever it is given). */
  binary: string | null;
  versionArgs: string[];
  /** Variables the CLI reads its credentials from: hints for `--env`, never set by HQ. */
  credentialEnv: string[];
  invocation(config: AgentExecutorConfig, prompt: string, runDir: string): Invocation;
  createParser(): StreamParser;
}
