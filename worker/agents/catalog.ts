// Plain data shared by the worker and the web app (no runtime dependencies, so the web
// bundle can import it).

/** The eleven fields whose every change is a numbered revision. */
export const TRACKED_FIELDS = [
  'name',
  'type',
  'role',
  'identity',
  'model',
  'provider',
  'tools',
  'mcpServers',
  'schedule',
  'workerEnabled',
  'executor',
] as const;
export type TrackedField = (typeof TRACKED_FIELDS)[number];

/** Model providers HQ knows how to reach (any OpenAI-compatible endpoint is `openai-compatible`). */
export const PROVIDERS = [
  'openai',
  'anthropic',
  'google',
  'groq',
  'mistral',
  'deepseek',
  'xai',
  'openrouter',
  'together',
  'fireworks',
  'cloudflare',
  'ollama',
  'openai-compatible',
] as const;

/**
 * What runs an agent's tasks on a runner: a coding-agent CLI driven by a preset
 * (runner/executors/presets), `openai` (the runner's built-in tool loop) or `command` (any
 * CLI, prompt on standard input). An agent without an executor (null) runs with whatever its
 * runner was started with (`--executor`), as every agent did before this field existed.
 */
export const EXECUTOR_PRESETS = [
  'claude-code',
  'codex',
  'gemini',
  'opencode',
  'aider',
  'openai',
  'command',
] as const;
export type ExecutorPreset = (typeof EXECUTOR_PRESETS)[number];

/** Which options each preset honours: a turn or step limit, extra arguments. */
export const PRESET_LIMITS: Record<ExecutorPreset, { maxTurns: boolean; extraArgs: boolean }> = {
  'claude-code': { maxTurns: true, extraArgs: true },
  codex: { maxTurns: false, extraArgs: true },
  gemini: { maxTurns: true, extraArgs: true },
  opencode: { maxTurns: true, extraArgs: true },
  aider: { maxTurns: false, extraArgs: true },
  // The built-in loop is no CLI: its limit is its step count, and it has no arguments.
  openai: { maxTurns: true, extraArgs: false },
  command: { maxTurns: false, extraArgs: true },
};

/** An agent's executor with its options (validated by worker/agents/fields.ts `Executor`). */
export interface ExecutorConfig {
  preset: ExecutorPreset;
  /** Turn or step limit, where the preset has one. */
  maxTurns?: number;
  /** Appended to the CLI's arguments as they are. */
  extraArgs?: string[];
  /** The `command` preset only: the shell command to run. */
  command?: string;
}
