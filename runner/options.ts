import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ExecutorPreset } from '../worker/agents/catalog';
import { PRESET_NAMES } from './executors/presets/types';
import { expandPush, pushFromFile, type RepoOption, readRepos } from './repos';
import { readTokenFile, TOKEN_FROM_FLAG, TOKEN_IN_CONFIG } from './token';

/** Every executor an agent can name: the CLI presets and the built-in loop. */
const EXECUTORS: readonly ExecutorPreset[] = [...PRESET_NAMES, 'openai'];

export const DEFAULT_WORK_DIR = join(tmpdir(), 'hq-runner', 'clones');

/** A login name as useradd takes it. */
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}\$?$/i;

const OPTIONS = {
  server: { type: 'string' },
  // Taken only to refuse it with the reason (see TOKEN_FROM_FLAG).
  token: { type: 'string' },
  'token-file': { type: 'string' },
  repo: { type: 'string', multiple: true },
  push: { type: 'string', multiple: true },
  'work-dir': { type: 'string' },
  'min-free-disk': { type: 'string' },
  'agent-user': { type: 'string' },
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
} as const;

export interface CliOptions {
  server: string;
  token: string;
  repos: RepoOption[];
  /** Where task clones live: `<workDir>/<repository>/<task id>`. */
  workDir: string;
  /** Below this much free space in workDir the runner claims nothing. */
  minFreeDiskMb: number;
  /** Agents run as this user (the runner as root); null: as the runner's own user. */
  agentUser: string | null;
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
  /** Said at start: how an option was understood (a repository named after its folder). */
  notes: string[];
}

const USAGE = `Usage: npm run runner -- --server URL --repo NAME=PATH [options]
       npm run runner -- gc [--work-dir PATH]   remove clones no running runner owns

The token: HQ_RUNNER_TOKEN=hqr_... in the environment, or --token-file PATH (a file of this
user's, mode 600). Not --token, nor "token" in a config file: both are refused.

Besides running tasks, the runner merges approved tasks and runs reviewer agents' first
passes (one at a time) for the repositories it serves: the reviewer's executor in a temporary
folder holding only the patch, its verdict read from review.json. It also tells HQ the
tracked files and head of each repository's default branch (at start, every 10 minutes and
after each merge) so the CEO drafts missions' scopes from real paths.

  --server URL         HQ's address (e.g. http://localhost:8787)
  --token-file PATH    a file holding this runner's token (Settings → Runners, or POST
                       /api/runners); regular, owned by this user, no group/other access
  --repo NAME=PATH     a repository this runner serves, NAME as missions name it (e.g.
                       acme/app); repeatable. A bare --repo PATH is named after its folder.
                       HQ hands this runner only tasks of the repositories it serves
  --push [NAME]        push task branches and merged targets to the repository's origin
                       remote: all repositories, or NAME (repeatable); so another runner
                       can continue or merge the work
  --work-dir PATH      where each run's own clone lives, removed after the run
                       (default ${DEFAULT_WORK_DIR})
  --min-free-disk MB   claim nothing while the work folder has less free (default 1024)
  --agent-user NAME    run every agent as user NAME (the runner must run as root): it gets
                       its clone and a fresh HOME, and cannot write the repository nor read
                       the runner's environment. Without it agents run as this runner's user
                       and can read whatever it can, its token included
  --concurrency N      tasks at once (default 1)
  --executor NAME      how to run an agent that has no executor of its own: claude-code, codex,
                       gemini, opencode, aider, openai (the built-in tool loop) or command
                       (default). An agent with its own executor runs with it when this runner
                       has it: at start the runner looks for claude, codex, gemini, opencode and
                       aider on PATH and tells HQ what it found; HQ gives it only tasks it can run
  --command CMD        command executor: the CLI to run in each clone (prompt on stdin); also
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
  --config FILE        JSON file with any of the options above by their names, repositories as
                       "repos": { "acme/app": "/path" } and "push": true or [names]
  --heartbeat SECONDS  heartbeat interval (default 10)
  --version            print this runner's version (it also tells HQ at start)
`;

/** What the runner knows of the machine it runs on (a test gives another user). */
export interface Host {
  uid: number;
}

/** Reads the command line (and an optional JSON config file); exits with usage on a mistake. */
export function readOptions(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  host: Host = { uid: process.getuid?.() ?? -1 },
): CliOptions {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: expandPush(argv), options: OPTIONS }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError('');
  const file = values.config
    ? (JSON.parse(readFileSync(String(values.config), 'utf8')) as Partial<Record<string, unknown>>)
    : {};
  const pick = (key: string) => values[key] ?? file[key];
  const push = (values.push as string[] | undefined) ?? pushFromFile(file.push);
  const served = readRepos(values.repo as string[] | undefined, file, push);
  const tokenFile = pick('token-file');
  const fromFile = tokenFile === undefined ? null : readTokenFile(String(tokenFile), host.uid);
  const agentUser = pick('agent-user') === undefined ? null : String(pick('agent-user'));
  const options: CliOptions = {
    server: String(pick('server') ?? ''),
    token: fromFile ? ('token' in fromFile ? fromFile.token : '') : (env.HQ_RUNNER_TOKEN ?? ''),
    repos: served.repos,
    workDir: resolve(String(pick('work-dir') ?? DEFAULT_WORK_DIR)),
    minFreeDiskMb: Number(pick('min-free-disk') ?? 1024),
    agentUser,
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
    notes: served.notes,
  };
  const problems = [
    values.token !== undefined && TOKEN_FROM_FLAG,
    file.token !== undefined && TOKEN_IN_CONFIG,
    fromFile && 'problem' in fromFile && fromFile.problem,
    !fromFile &&
      !options.token &&
      'no token: set HQ_RUNNER_TOKEN, or pass --token-file PATH (a file only you can read)',
    options.token &&
      !options.token.startsWith('hqr_') &&
      'the token must be a runner token (hqr_...)',
    ...served.problems,
    !/^https?:\/\//.test(options.server) && '--server must be an http(s) URL',
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
    !(options.minFreeDiskMb >= 0) && '--min-free-disk must be a number of MB, 0 or more',
    agentUser !== null &&
      !USER_NAME.test(agentUser) &&
      `--agent-user ${JSON.stringify(agentUser)} is not a user name`,
    agentUser !== null &&
      host.uid !== 0 &&
      `--agent-user needs the runner to run as root (it runs as uid ${host.uid}): it starts each agent as ${agentUser} and hands that user its clone`,
  ].filter(Boolean);
  if (problems.length) throw new UsageError(problems.join('\n'));
  return options;
}

export class UsageError extends Error {
  readonly usage = USAGE;
}
