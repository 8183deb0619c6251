import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnOwned } from './processes';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RunnerCli {
  child: ChildProcess;
  /** Everything it printed so far, standard output and error together. */
  output(): string;
}

/** The name end-to-end missions give their repository, and the runners serve it under. */
export const E2E_REPOSITORY = 'e2e/repo';

/**
 * Starts the runner CLI as a user would (`tsx runner/cli.ts`), heartbeating every second, in
 * its own marked process group, with a secret planted in its own environment that no agent
 * may ever see. The token goes through HQ_RUNNER_TOKEN (the command line takes none); the
 * repository is served as `repoName` (default E2E_REPOSITORY), clones go to `workDir`.
 */
export function startRunnerCli(options: {
  server: string;
  token: string;
  repo: string;
  repoName?: string;
  workDir?: string;
  command: string;
  extraArgs?: string[];
  extraEnv?: Record<string, string>;
}): RunnerCli {
  const { server, token, repo, command } = options;
  const args = [
    'runner/cli.ts',
    ...['--server', server, '--repo', `${options.repoName ?? E2E_REPOSITORY}=${repo}`],
    ...(options.workDir ? ['--work-dir', options.workDir] : []),
  ];
  const child = spawnOwned(
    join(root, 'node_modules/.bin/tsx'),
    [
      ...args,
      ...['--heartbeat', '1'],
      ...(command ? ['--command', command] : []),
      ...(options.extraArgs ?? []),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        HQ_PLANTED_SECRET: 'planted-secret-value-1234',
        HQ_RUNNER_TOKEN: token,
        ...options.extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out };
}

/** Signals the runner and everything it started (its agent's processes share its group). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}
