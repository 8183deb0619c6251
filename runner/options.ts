import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface CliOptions {
  server: string;
  token: string;
  repo: string;
  concurrency: number;
  executor: 'command';
  command: string;
  env: string[];
  heartbeatSeconds: number;
  mergePollSeconds: number;
}

const USAGE = `Usage: npm run runner -- --server URL --token hqr_... --repo PATH [options]

  --server URL         HQ's address (e.g. http://localhost:8787)
  --token TOKEN        this runner's token (Settings > Runners, or POST /api/runners); or HQ_RUNNER_TOKEN
  --repo PATH          the git repository tasks run against
  --concurrency N      tasks at once (default 1)
  --executor command   how tasks run (default command)
  --command CMD        the coding-agent CLI to run in each worktree (prompt on stdin)
  --env NAME           pass this variable of the runner's environment to the agent (repeatable)
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
    executor: 'command',
    command: String(pick('command') ?? ''),
    env: (pick('env') as string[] | undefined) ?? [],
    heartbeatSeconds: Number(pick('heartbeat') ?? 10),
    mergePollSeconds: 2,
  };
  const problems = [
    !/^https?:\/\//.test(options.server) && '--server must be an http(s) URL',
    !options.token.startsWith('hqr_') && '--token must be a runner token (hqr_...)',
    !(options.concurrency >= 1 && options.concurrency <= 32) && '--concurrency must be 1 to 32',
    (pick('executor') ?? 'command') !== 'command' &&
      '--executor must be command (openai comes later)',
    !options.command && '--command is required for the command executor',
    !(options.heartbeatSeconds >= 1) && '--heartbeat must be at least 1',
  ].filter(Boolean);
  if (problems.length) throw new UsageError(problems.join('\n'));
  return options;
}

export class UsageError extends Error {
  readonly usage = USAGE;
}
