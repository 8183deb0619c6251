// The runner end to end with CLI presets: real worker (wrangler dev), real git, the runner CLI,
// and the stand-in CLIs of test/support/stand-in-clis first on PATH. An agent's config reaches
// the CLI (model, identity, tools, turn limit, MCP servers in a 0600 file gone after the run),
// and what the CLI reports about tokens and money lands in HQ's spend, unknown kept unknown.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HqApi, hqApi, signInDev, tempRepo, waitFor } from '../support/hq-api';
import { type LocalHq, startLocalHq } from '../support/local-hq';
import { STAND_IN_DIR, type StandInRecord } from '../support/preset-runs';
import { endProcess, spawnOwned } from '../support/processes';
import { E2E_REPOSITORY } from '../support/runner-cli';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'ghp_e2e-planted-mcp-secret-71c2';
const HEADER = 'Bearer e2e-planted-header-0b9d';
const IDENTITY = 'You are Mira, who writes tests first.\nKeep pull requests small.';
let hq: LocalHq;
let api: HqApi;
let repo = '';
let work = '';
let runner: ChildProcess | undefined;
let output = '';

/** Every wait here ends, on a timeout, with the runner's latest output: it says what went wrong. */
const until = <T>(what: string, check: () => Promise<T | undefined>) =>
  waitFor(what, check, { diagnostics: () => output.slice(-3000) });

interface TaskBody {
  status: string;
  costUsd: number;
  diffNumstat: { path: string }[] | null;
  failureReason: string | null;
}

/** One approved task for `agent`; resolves when it is in review, with the stand-in's record. */
async function runTaskFor(agent: string, title: string) {
  const mission = await api<{ id: string }>('/api/missions', {
    title: `Mission for ${title}`,
    brief: `Why ${title} matters: the limiter must not let bursts through.`,
    repository: E2E_REPOSITORY,
    tasks: [{ title, spec: `Spec of ${title}.`, expectedScope: ['*.txt'], agentHint: agent }],
  });
  const { tasks } = await api<{ tasks: { id: string }[] }>(
    `/api/missions/${mission.id}/approve`,
    {},
  );
  const id = tasks[0]?.id ?? '';
  const task = await until(`${title} in review`, async () => {
    const t = await api<TaskBody>(`/api/tasks/${id}`);
    if (t.status === 'FAILED') throw new Error(`${title} failed: ${t.failureReason}\n${output}`);
    return t.status === 'REVIEW' ? t : undefined;
  });
  const record = JSON.parse(readFileSync(join(work, 'record.json'), 'utf8')) as StandInRecord;
  // The task is cancelled so the next one starts from the same base.
  await api(`/api/tasks/${id}/cancel`, { reason: 'checked' });
  return { id, task, record };
}

beforeAll(async () => {
  hq = await startLocalHq();
  api = hqApi(hq, await signInDev(hq, 'admin@hq.local'));
  // The stand-in's record and the runner's HOME live in `work`, apart from the repository.
  work = mkdtempSync(join(tmpdir(), 'hq-exec-e2e-'));
  repo = tempRepo('hq-exec-e2e-repo-').dir;

  await api('/api/agents', {
    slug: 'mira',
    name: 'Mira',
    type: 'WORKER',
    role: 'Test engineer',
    identity: IDENTITY,
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    tools: ['Read', 'Bash(npm test:*)'],
    executor: { preset: 'claude-code', maxTurns: 6 },
    mcpServers: {
      github: { command: 'github-mcp', args: ['--stdio'], env: { GITHUB_TOKEN: SECRET } },
      docs: { url: 'https://mcp.example.com/mcp', headers: { Authorization: HEADER } },
    },
  });
  await api('/api/agents', {
    slug: 'cody',
    name: 'Cody',
    type: 'WORKER',
    role: 'Refactorer',
    model: 'gpt-5-codex',
    provider: 'openai',
    executor: { preset: 'codex' },
  });
  const { token } = await api<{ token: string }>('/api/runners', { name: 'preset-runner' });
  runner = spawnOwned(
    join(root, 'node_modules/.bin/tsx'),
    [
      'runner/cli.ts',
      ...['--server', hq.url, '--repo', `${E2E_REPOSITORY}=${repo}`, '--heartbeat', '1'],
      ...['--executor', 'claude-code'],
      ...['--env', 'ANTHROPIC_API_KEY', '--env', 'STANDIN_RECORD', '--env', 'STANDIN_HQ_NOTE'],
    ],
    {
      cwd: root,
      env: {
        PATH: `${STAND_IN_DIR}:${process.env.PATH}`,
        HOME: process.env.HOME ?? work,
        HQ_RUNNER_TOKEN: token,
        HQ_PLANTED_SECRET: 'planted-runner-secret-5511',
        ANTHROPIC_API_KEY: 'sk-ant-test-key-for-the-stand-in',
        STANDIN_RECORD: join(work, 'record.json'),
        STANDIN_HQ_NOTE: 'Greeting drafted; checking the tests.',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  runner.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  runner.stderr?.on('data', (c: Buffer) => (output += c.toString()));
});

afterAll(async () => {
  if (runner) await endProcess(runner, 'SIGKILL');
  await hq?.stop();
  for (const dir of [repo, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('runner with CLI presets, end to end', () => {
  it('probes its CLIs, warns about credentials not passed, and shows in HQ with what it can run', async () => {
    const runners = await until('the runner to declare its capabilities', async () => {
      const list = await api<{
        runners: { name: string; capabilities: unknown[] | null; runnerVersion: string | null }[];
      }>('/api/runners');
      const mine = list.runners.find((r) => r.name === 'preset-runner');
      return mine?.capabilities ? mine : undefined;
    });
    expect(runners.capabilities).toEqual([
      { preset: 'claude-code', version: '2.1.333 (Claude Code)' },
      { preset: 'codex', version: 'codex-cli 0.130.0' },
      { preset: 'gemini', version: '0.21.0' },
      { preset: 'opencode', version: '1.2.10' },
      { preset: 'aider', version: 'aider 0.86.1' },
    ]);
    // With its own version, the package's: Settings → Runners shows it.
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(runners.runnerVersion).toBe(pkg.version);
    expect(output).toContain(
      'can run: claude-code (2.1.333 (Claude Code)), codex (codex-cli 0.130.0)',
    );
    expect(output).toMatch(
      /warning: codex reads its credentials from CODEX_API_KEY or OPENAI_API_KEY/,
    );
    expect(output).not.toMatch(/warning: claude-code/);
  });

  it('claude-code: the agent’s model, identity, tools and turn limit in argv, MCP in a 0600 file gone after, money from the CLI in spend', async () => {
    const { id, task, record } = await runTaskFor('mira', 'Write the greeting');
    const mcpAt = record.argv.indexOf('--mcp-config') + 1;
    const mcpPath = record.argv[mcpAt] ?? '';
    expect(record.argv).toEqual([
      ...['--print', '--output-format', 'stream-json', '--verbose'],
      ...['--model', 'claude-sonnet-4-5'],
      ...['--append-system-prompt', IDENTITY],
      ...['--max-turns', '6'],
      ...['--permission-mode', 'acceptEdits'],
      ...['--allowedTools', 'Read,Bash(npm test:*)'],
      ...['--mcp-config', mcpPath, '--strict-mcp-config'],
    ]);
    // The prompt carries the mission's brief, the spec and the scope; the identity is in argv.
    expect(record.stdin).toContain('Mission: Mission for Write the greeting');
    expect(record.stdin).toContain('Why Write the greeting matters');
    expect(record.stdin).toContain('Task: Write the greeting\n\nSpec of Write the greeting.');
    expect(record.stdin).toContain('Change only files matching: *.txt');
    expect(record.stdin).not.toContain('You are Mira');
    // The MCP file held the unsealed secrets while claude ran, readable by the owner only,
    // and it is gone with its folder.
    const file = record.files[mcpPath];
    expect(file?.mode).toBe(0o600);
    const { mcpServers } = JSON.parse(file?.contents ?? '{}') as {
      mcpServers: Record<string, { headers?: { Authorization: string } }>;
    };
    // HQ's own server beside the agent's, with this run's token (issue 19).
    const hqToken = mcpServers.hq?.headers?.Authorization.slice('Bearer '.length) ?? '';
    expect(hqToken).toMatch(/^hqm_/);
    expect(mcpServers).toEqual({
      github: { command: 'github-mcp', args: ['--stdio'], env: { GITHUB_TOKEN: SECRET } },
      docs: {
        type: 'http',
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: HEADER },
      },
      hq: { type: 'http', url: `${hq.url}/mcp`, headers: { Authorization: `Bearer ${hqToken}` } },
    });
    // The CLI reached HQ with it mid-run: its note is on the task's timeline.
    const { events } = await api<{ events: { actor: string; to: string; reason: string }[] }>(
      `/api/tasks/${id}`,
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        actor: 'agent:mira',
        to: 'RUNNING',
        reason: 'Greeting drafted; checking the tests.',
      }),
    );
    // The token is in no log: the runner's output and the run's log in HQ.
    expect(output).not.toContain(hqToken);
    const log = await api<{ text?: string; chunks?: { text: string }[] }>(
      `/api/tasks/${id}/logs?run=1`,
    );
    expect(JSON.stringify(log)).toContain('hq report_progress: 200');
    expect(JSON.stringify(log)).not.toContain(hqToken);
    expect(existsSync(mcpPath)).toBe(false);
    expect(existsSync(dirname(mcpPath))).toBe(false);
    // The CLI saw its credential (passed with --env) and none of the runner's own secrets.
    expect(record.envNames).toContain('ANTHROPIC_API_KEY');
    expect(record.envNames).not.toContain('HQ_RUNNER_TOKEN');
    expect(record.envNames).not.toContain('HQ_PLANTED_SECRET');
    for (const secret of [SECRET, HEADER]) {
      expect(JSON.stringify(record.argv)).not.toContain(secret);
      expect(output).not.toContain(secret);
    }
    expect(task.diffNumstat?.map((f) => f.path)).toEqual(['hello.txt']);
    // Money and tokens as claude reported them: modelUsage (input + cache reads + writes).
    expect(task.costUsd).toBeCloseTo(0.0421, 10);
    const spend = await api<{
      byModel: {
        model: string;
        costUsd: number;
        inputTokens: number;
        outputTokens: number;
        unknownCost: number;
      }[];
    }>('/api/spend');
    expect(spend.byModel.find((m) => m.model === 'claude-sonnet-4-5')).toMatchObject({
      costUsd: 0.0421,
      inputTokens: 27_000,
      outputTokens: 350,
      unknownCost: 0,
    });
    expect(output).toMatch(
      new RegExp(`${id.slice(0, 8)} "Write the greeting" · in review · 27350 tokens`),
    );
  });

  it('codex: tokens from the CLI, cost unknown (not $0) in spend', async () => {
    const { id, record } = await runTaskFor('cody', 'Tidy the greeting');
    // HQ's server by URL, its header by variable name (codex reads MCP headers no other way),
    // that variable kept out of the shells codex runs.
    expect(record.argv).toEqual([
      ...['exec', '--json', '--sandbox', 'workspace-write', '--model', 'gpt-5-codex'],
      '-c',
      `mcp_servers={hq = {url = "${hq.url}/mcp", env_http_headers = {Authorization = "HQ_MCP_HQ_AUTHORIZATION"}}}`,
      ...['-c', 'shell_environment_policy.exclude=["HQ_MCP_HQ_AUTHORIZATION"]', '-'],
    ]);
    const spend = await api<{
      total: { unknownCost: number };
      byModel: {
        model: string;
        costUsd: number;
        inputTokens: number;
        outputTokens: number;
        unknownCost: number;
      }[];
    }>('/api/spend');
    expect(spend.byModel.find((m) => m.model === 'gpt-5-codex')).toMatchObject({
      costUsd: 0,
      inputTokens: 24_763,
      outputTokens: 122,
      unknownCost: 1,
    });
    expect(output).toMatch(
      new RegExp(`${id.slice(0, 8)} "Tidy the greeting" · in review · 24885 tokens`),
    );
  });
});
