import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ExecutorPreset } from '../worker/agents/catalog';
import { PRESET_NAMES } from './executors/presets/types';

/** Every executor an agent can name: the CLI presets and the built-in loop. */
const EXECUTORS: readonly ExecutorPreset[] = [...PRESET_NAMES, 'openai'];

export interface CliOptions {
  server: string;
  token: string;
  repo: string;
  concurrency: number;
  /** For agents without an executor of their own. */
  executor: ExecutorPreset;
  command: string;
  openai: {
    baseURL: string;
    apiKey: string;
    model: string | undefined;
    maxSteps: number;
    pricing?: { input: number; output: number };
  };
  env: string[];
  heartbeatSeconds: number;
  mergePollSeconds: number;
}

const USAGE = `Usage: npm run runner -- --server URL --token hqr_... --repo PATH [options]

  --server URL         HQ's address (e.g. http://localhost:8787)
  --token TOKEN        this runner's token (Settings → Runners, or POST /api/runners); or HQ_RUNNER_TOKEN
  --repo PATH          the git repository tasks run against
  --concurrency N      tasks at once (default 1)
  --executor NAME      how to run an agent that has no executor of its own: claude-code, codex,
                       gemini, opencode, aider, openai (the built-in tool loop) or command
                       (default). An agent with its own executor runs with it when this runner
                       has it: at start the runner looks for claude, codex, gemini, opencode and
                       aider on PATH and tells HQ what it found; HQ gives it only tasks it can run
  --command CMD        command executor: the CLI to run in each worktree (prompt on stdin); also
                       lets this runner take agents whose executor is a command of their own
  --base-url URL       openai executor: any OpenAI-compatible endpoint (default https://api.openai.com/v1)
  --model NAME         openai executor, for agents without an executor of their own: model
                       (default: the agent's model)
  --api-key-env NAME   openai executor: variable holding the API key (default OPENAI_API_KEY);
                       with a key, this runner also takes agents whose executor is openai
  --max-steps N        openai executor: tool-calling steps per task (default 20; an agent's
                       maxTurns wins)
  --price-in USD       openai executor: USD per million input tokens (without it the runner
                       reports tokens only: HQ prices them with Settings' price table, or keeps
                       the cost as unknown)
  --price-out USD      openai executor: USD per million output tokens
  --env NAME           pass this variable of the runner's environment to the agent (repeatable);
                       a CLI's credentials go this way, e.g. --env ANTHROPIC_API_KEY
  --config FILE        JSON file with any of the options above
  --heartbeat SECONDS  heartbeat interval (default 10)
`;

/** Reads the command line (and an optional JSON config file); exits with usage on a mistake. */
export function readOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      repo: { type: 'string' },
      concurrency: { type: 'string' },
      executor: { type: 'string' },
      command: { type: 'string' },
      env: { type: 'string', multiple: true },
      config: { type: 'string' },
      heartbeat: { type: 'string' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      'api-key-env': { type: 'string' },
      'max-steps': { type: 'string' },
      'price-in': { type: 'string' },
      'price-out': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) throw new UsageError('');
  const file = values.config
    ? (JSON.parse(readFileSync(values.config, 'utf8')) as Partial<Record<string, unknown>>)
    : {};
  const pick = (key: string) => (values as Record<string, unknown>)[key] ?? file[key];
  const options: CliOptions = {
    server: String(pick('server') ?? ''),
    token: String(pick('token') ?? env.HQ_RUNNER_TOKEN ?? ''),
    repo: resolve(String(pick('repo') ?? '.')),
    concurrency: Number(pick('concurrency') ?? 1),
    executor: (pick('executor') ?? 'command') as ExecutorPreset,
    command: String(pick('command') ?? ''),
    openai: {
      baseURL: String(pick('base-url') ?? 'https://api.openai.com/v1'),
      // The key stays in the runner: it is read here and never put in a child's environment.
      apiKey: env[String(pick('api-key-env') ?? 'OPENAI_API_KEY')] ?? '',
      model: pick('model') === undefined ? undefined : String(pick('model')),
      maxSteps: Number(pick('max-steps') ?? 20),
      ...(pick('price-in') !== undefined
        ? { pricing: { input: Number(pick('price-in')), output: Number(pick('price-out') ?? 0) } }
        : {}),
    },
    env: (pick('env') as string[] | undefined) ?? [],
    heartbeatSeconds: Number(pick('heartbeat') ?? 10),
    mergePollSeconds: 2,
  };
  const problems = [
    !/^https?:\/\//.test(options.server) && '--server must be an http(s) URL',
    !options.token.startsWith('hqr_') && '--token must be a runner token (hqr_...)',
    !(options.concurrency >= 1 && options.concurrency <= 32) && '--concurrency must be 1 to 32',
    !EXECUTORS.includes(options.executor) && `--executor must be one of ${EXECUTORS.join(', ')}`,
    options.executor === 'command' &&
      !options.command &&
      '--command is required for the command executor',
    options.executor === 'openai' &&
      !options.openai.apiKey &&
      'the openai executor needs an API key in the variable named by --api-key-env',
    !(options.openai.maxSteps >= 1 && options.openai.maxSteps <= 200) &&
      '--max-steps must be 1 to 200',
    !(options.heartbeatSeconds >= 1) && '--heartbeat must be at least 1',
  ].filter(Boolean);
  if (problems.length) throw new UsageError(problems.join('\n'));
  return options;
}

export class UsageError extends Error {
  readonly usage = USAGE;
}
