import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import {
  type AgentExecutorConfig,
  type Preset,
  type PresetResult,
  type RunProgress,
  runPreset,
} from '../../runner/executors/presets';

/** The folder of stand-in CLIs (claude, codex, gemini, opencode, aider), put first on PATH. */
export const STAND_IN_DIR = fileURLToPath(new URL('./stand-in-clis', import.meta.url));

/** MCP secrets of the test agent: they may appear in run files and the child env only. */
export const SECRETS = ['ghp_secret_value_123', 'docs-secret-456'];

export const agentConfig = (overrides: Partial<AgentExecutorConfig> = {}): AgentExecutorConfig => ({
  identity: 'You are Ada, the backend engineer.',
  model: 'model-x',
  tools: ['Bash(npm test:*)', 'Read'],
  mcpServers: {
    github: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github'],
      env: { GITHUB_TOKEN: SECRETS[0] ?? '' },
    },
    docs: {
      url: 'https://mcp.example.com/mcp',
      headers: { Authorization: `Bearer ${SECRETS[1]}` },
    },
  },
  options: { maxTurns: 7, extraArgs: ['--extra-flag'] },
  ...overrides,
});

export const PROMPT = 'Task: add hello.txt\n\nSay hello.\n';

/** How the stand-in was started, as it recorded it. */
export interface StandInRecord {
  /** The stand-in's process id, to check it is gone after a stop. */
  pid: number;
  argv: string[];
  stdin: string;
  cwd: string;
  envNames: string[];
  echoedEnv: Record<string, string | null>;
  files: Record<string, { contents?: string; mode?: number; error?: string }>;
}

/** A real git repository standing in for the task's worktree. */
export function makeRepo(): { dir: string; changed: () => string[]; reset: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hq-presets-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# demo\n');
  git('add', '.');
  git('commit', '-qm', 'initial');
  const base = git('rev-parse', 'HEAD');
  return {
    dir,
    // Files the agent changed: committed since the base, or left in the working tree.
    changed: () =>
      [
        ...git('diff', '--name-only', base, 'HEAD').split('\n'),
        ...git('status', '--porcelain')
          .split('\n')
          .map((line) => line.slice(3)),
      ].filter(Boolean),
    reset: () => {
      git('reset', '-q', '--hard', base);
      git('clean', '-qfd');
    },
  };
}

/** Runs a preset against its stand-in with only the allowlisted environment. */
export async function runStandIn(
  preset: Preset,
  config: AgentExecutorConfig,
  cwd: string,
  scenario: string,
  extraEnv: Record<string, string> = {},
): Promise<{
  result: PresetResult;
  record: StandInRecord;
  env: Record<string, string>;
  progress: RunProgress[];
}> {
  const recordDir = mkdtempSync(join(tmpdir(), 'hq-standin-record-'));
  const recordPath = join(recordDir, 'record.json');
  const env = {
    PATH: `${STAND_IN_DIR}:${process.env.PATH}`,
    HOME: process.env.HOME ?? '/tmp',
    STANDIN_RECORD: recordPath,
    STANDIN_SCENARIO: scenario,
    ...extraEnv,
  };
  const progress: RunProgress[] = [];
  try {
    const result = await runPreset(
      preset,
      config,
      cwd,
      env,
      PROMPT,
      (p) => progress.push(p),
      new AbortController().signal,
    );
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as StandInRecord;
    return { result, record, env, progress };
  } finally {
    rmSync(recordDir, { recursive: true, force: true });
  }
}

/** Flags written as one string ("--model x --verbose"), split as a shell would split them. */
export const words = (text: string) => text.split(' ');

/** A path inside the run's private folder (a fresh temporary name each run). */
export const inRunDir = (name: string) =>
  expect.stringMatching(new RegExp(`/hq-run-[^/]+/${name}$`));

/** The JSON contents of a file the stand-in was pointed to. */
export const fileOf = (record: StandInRecord, path: string | undefined) =>
  JSON.parse(record.files[path ?? '']?.contents ?? 'null') as unknown;

/**
 * What every successful stand-in run shares: the child saw the allowlist and the preset's
 * own variables only, secrets stayed out of argv and the log, the run files were 0600 and
 * are gone with their folder, and the agent's change is in the repository.
 */
export function expectCleanRun(
  repo: { dir: string; changed: () => string[] },
  run: { result: PresetResult; record: StandInRecord; env: Record<string, string> },
  presetEnv: string[],
): void {
  const { result, record, env } = run;
  expect(result.ok).toBe(true);
  expect(record.cwd).toBe(repo.dir);
  expect(record.envNames).toEqual([...Object.keys(env), ...presetEnv].sort());
  expect(record.envNames).not.toContain('HQ_PLANTED_SECRET');
  for (const secret of SECRETS) {
    expect(JSON.stringify(record.argv)).not.toContain(secret);
    expect(result.logTail).not.toContain(secret);
  }
  for (const [path, file] of Object.entries(record.files)) {
    expect(file.mode).toBe(0o600);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(dirname(path))).toBe(false);
  }
  expect(repo.changed()).toEqual(['hello.txt']);
}
