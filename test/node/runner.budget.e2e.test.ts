// A budget stops a run in flight, end to end: wrangler dev, real git, the runner CLI and the
// Claude Code stand-in in its slow_spend scenario (40 model calls over 6 s, 1,000 tokens in
// and 100 out each, money only at the very end). With a small budget the runner stops the CLI
// mid-run, the task fails with the reason budget, its use is in spend, and the overrun is at
// most one event's worth. Once on tokens (the agent's budget), once on money (the mission's,
// priced with the price table since the CLI says no money until its end).
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HqApi, hqApi, signInDev, tempRepo, waitFor } from '../support/hq-api';
import { type LocalHq, startLocalHq } from '../support/local-hq';
import { STAND_IN_DIR, type StandInRecord } from '../support/preset-runs';
import { endProcess, spawnOwned } from '../support/processes';
import { E2E_REPOSITORY } from '../support/runner-cli';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** One model call of the scenario: 1,000 tokens in, 100 out; $0.0015 at $1 and $5 a million. */
const STEP_TOKENS = 1_100;
const STEP_USD = 0.0015;
const SCENARIO_MS = 40 * 150;
let hq: LocalHq;
let api: HqApi;
let repo = '';
let work = '';
let runner: ChildProcess | undefined;
let output = '';

/**
 * Every wait here ends, on a timeout, with the runner's latest output. Checked often: the
 * moment the stand-in starts is when its scenario's clock starts (see expectStoppedMidRun).
 */
const until = <T>(what: string, check: () => Promise<T | undefined>) =>
  waitFor(what, check, { seconds: 90, pollMs: 200, diagnostics: () => output.slice(-3000) });

interface TaskBody {
  status: string;
  failureReason: string | null;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  costKnown: boolean;
  estimatedCostRuns: number;
}

/** Approves a one-task mission for `agent` and waits for the task to end (FAILED or REVIEW). */
async function runUntilStopped(agent: string, title: string, budget: Record<string, number> = {}) {
  const mission = await api<{ id: string }>('/api/missions', {
    title,
    brief: 'A long piece of work.',
    repository: E2E_REPOSITORY,
    ...budget,
    tasks: [{ title, spec: 'Take all 40 steps.', expectedScope: ['*.txt'], agentHint: agent }],
  });
  const { tasks } = await api<{ tasks: { id: string }[] }>(
    `/api/missions/${mission.id}/approve`,
    {},
  );
  const id = tasks[0]?.id ?? '';
  const recordPath = join(work, 'record.json');
  rmSync(recordPath, { force: true });
  rmSync(`${recordPath}.finished`, { force: true });
  const started = await until('the stand-in to start', async () =>
    existsSync(recordPath) ? Date.now() : undefined,
  );
  const task = await until(`${title} to end`, async () => {
    const t = await api<TaskBody>(`/api/tasks/${id}`);
    return t.status === 'FAILED' || t.status === 'REVIEW' ? t : undefined;
  });
  const record = JSON.parse(readFileSync(recordPath, 'utf8')) as StandInRecord;
  return { id, task, record, started, recordPath };
}

/** The stand-in was stopped, not left to finish: gone, and it never reached its end. */
async function expectStoppedMidRun(run: Awaited<ReturnType<typeof runUntilStopped>>) {
  expect(() => process.kill(run.record.pid, 0)).toThrow();
  // Wait until the whole scenario would have run: it never got to write its last file.
  const left = run.started + SCENARIO_MS + 1000 - Date.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  expect(existsSync(`${run.recordPath}.finished`)).toBe(false);
}

beforeAll(async () => {
  hq = await startLocalHq();
  api = hqApi(hq, await signInDev(hq, 'admin@hq.local'));
  // The stand-in's record and the runner's HOME live in `work`, apart from the repository.
  work = mkdtempSync(join(tmpdir(), 'hq-budget-e2e-'));
  repo = tempRepo('hq-budget-e2e-repo-').dir;
  const agent = (slug: string, extra: Record<string, unknown> = {}) =>
    api('/api/agents', {
      slug,
      name: slug,
      type: 'WORKER',
      role: 'Engineer',
      model: 'claude-sonnet-4-5',
      provider: 'anthropic',
      executor: { preset: 'claude-code' },
      ...extra,
    });
  await agent('tally', { monthlyBudgetTokens: 5_000 });
  await agent('penny');
  const { token } = await api<{ token: string }>('/api/runners', { name: 'budget-runner' });
  runner = spawnOwned(
    join(root, 'node_modules/.bin/tsx'),
    [
      'runner/cli.ts',
      ...['--server', hq.url, '--repo', `${E2E_REPOSITORY}=${repo}`, '--heartbeat', '1'],
      ...['--executor', 'claude-code'],
      ...['--env', 'ANTHROPIC_API_KEY', '--env', 'STANDIN_RECORD', '--env', 'STANDIN_SCENARIO'],
    ],
    {
      cwd: root,
      env: {
        PATH: `${STAND_IN_DIR}:${process.env.PATH}`,
        HOME: process.env.HOME ?? work,
        HQ_RUNNER_TOKEN: token,
        ANTHROPIC_API_KEY: 'sk-ant-test-key-for-the-stand-in',
        STANDIN_RECORD: join(work, 'record.json'),
        STANDIN_SCENARIO: 'slow_spend',
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

describe('a budget stops a run in flight', () => {
  it('on tokens: the agent’s monthly budget of 5,000 stops the CLI mid-run; the task fails for budget with its use recorded', async () => {
    const run = await runUntilStopped('tally', 'Count to forty');
    expect(run.task.status, output.slice(-2000)).toBe('FAILED');
    expect(run.task.failureReason).toMatch(/^budget: /);
    await expectStoppedMidRun(run);
    // Recorded: past the budget, by at most one model call's tokens.
    const used = run.task.inputTokens + run.task.outputTokens;
    expect(used).toBeGreaterThan(5_000);
    expect(used).toBeLessThanOrEqual(5_000 + STEP_TOKENS);
    // Claude Code tells its money only at its end, and no price is set: unknown, not $0.
    expect(run.task).toMatchObject({ costKnown: false, costUsd: 0 });
    const notifications = await api<{
      items: { eventType: string; entityId: string; tier: string }[];
    }>('/api/notifications?limit=100');
    expect(notifications.items).toContainEqual(
      expect.objectContaining({
        eventType: 'task.budget_stopped',
        entityId: run.id,
        tier: 'IMMEDIATE',
      }),
    );
    expect(output).toContain('stopped: budget:');
  });

  it('on money: a mission budget of $0.01, its tokens priced with the price table, stops the CLI mid-run', async () => {
    await api(
      '/api/prices',
      {
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        inputPerMillionUsd: 1,
        outputPerMillionUsd: 5,
      },
      'PUT',
    );
    const run = await runUntilStopped('penny', 'Spend a cent', { budgetUsd: 0.01 });
    expect(run.task.status, output.slice(-2000)).toBe('FAILED');
    expect(run.task.failureReason).toMatch(/^budget: /);
    await expectStoppedMidRun(run);
    // Estimated with the table when reported: past $0.01 by at most one call's cost.
    expect(run.task).toMatchObject({ costKnown: true, estimatedCostRuns: 1 });
    expect(run.task.costUsd).toBeGreaterThan(0.01);
    expect(run.task.costUsd).toBeLessThanOrEqual(0.01 + STEP_USD + 1e-9);
  });
});
