import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HqApi, hqApi, signInDev, type TempRepo, tempRepo, waitFor } from '../support/hq-api';
import { type LocalHq, startLocalHq } from '../support/local-hq';
import { startOpenAiStandIn } from '../support/openai-stand-in';
import { endProcess, spawnOwned } from '../support/processes';

const root = fileURLToPath(new URL('../..', import.meta.url));
let hq: LocalHq;
let repo = '';
let git: TempRepo['git'];
/** Admin API calls against the local HQ (set once signed in). */
let api: HqApi;
const runners: ChildProcess[] = [];

/** Starts the runner CLI as a user would, with a secret planted in its own environment. */
// Runners still going when a test ends (it failed before stopping them): ended before the
// next test, so a leftover runner never claims the next test's task.
afterEach(async () => {
  await Promise.all(runners.splice(0).map((child) => endProcess(child, 'SIGKILL')));
});

function startRunner(
  token: string,
  command: string,
  extraArgs: string[] = [],
  extraEnv: Record<string, string> = {},
): { child: ChildProcess; output: () => string } {
  const args = [
    'runner/cli.ts',
    '--server',
    hq.url,
    '--token',
    token,
    '--repo',
    repo,
    '--heartbeat',
    '1',
  ];
  const child = spawnOwned(
    join(root, 'node_modules/.bin/tsx'),
    [...args, ...(command ? ['--command', command] : []), ...extraArgs],
    {
      cwd: root,
      env: { ...process.env, HQ_PLANTED_SECRET: 'planted-secret-value-1234', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  runners.push(child);
  return { child, output: () => out };
}

/** The runner and everything it started (its agent's processes). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

const GOOD_AGENT =
  'mkdir -p src && cat > src/feature-$HQ_TASK_ID.txt && git add src && git -c user.name=agent -c user.email=a@a commit -qm "$HQ_TASK_TITLE"';

async function taskAfterApproval(title: string, scope = ['src/**']) {
  const mission = await api<{ id: string }>('/api/missions', {
    title,
    brief: 'e2e',
    repository: repo,
    tasks: [{ title, spec: 'Create a file under src/', expectedScope: scope, agentHint: 'forge' }],
  });
  const approved = await api<{ tasks: { id: string }[] }>(
    `/api/missions/${mission.id}/approve`,
    {},
  );
  return approved.tasks[0]?.id ?? '';
}

const status = async (id: string) => (await api<{ status: string }>(`/api/tasks/${id}`)).status;

beforeAll(async () => {
  hq = await startLocalHq();
  api = hqApi(hq, await signInDev(hq, 'admin@hq.local'));
  ({ dir: repo, git } = tempRepo('hq-repo-'));
});

afterAll(async () => {
  await Promise.all(runners.map((child) => endProcess(child, 'SIGKILL')));
  await hq?.stop();
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('runner end to end: real worker, real git, the runner CLI', () => {
  it('takes a task from PENDING to DONE; the target branch holds the merge; the child saw no secret', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e' });
    // The "agent": writes its prompt into a file inside its scope and commits it, with the names
    // of the environment variables it was given in the commit body.
    const command =
      'mkdir -p src && cat > src/feature.txt && git add src && git -c user.name=agent -c user.email=a@a commit -qm "$HQ_TASK_TITLE" -m "$(env | cut -d= -f1 | sort | tr \'\\n\' \' \')"';
    const runner = startRunner(token, command);
    const mission = await api<{ id: string }>('/api/missions', {
      title: 'E2E mission',
      brief: 'Add a feature file.',
      repository: repo,
      tasks: [
        {
          title: 'Write the feature',
          spec: 'Create src/feature.txt',
          expectedScope: ['src/**'],
          agentHint: 'forge',
        },
      ],
    });
    const approved = await api<{ tasks: { id: string }[] }>(
      `/api/missions/${mission.id}/approve`,
      {},
    );
    const taskId = approved.tasks[0]?.id ?? '';
    const review = await waitFor('REVIEW', async () => {
      const t = await api<{
        status: string;
        commits: string[];
        diffNumstat: { path: string }[];
        scopeViolations: string[];
      }>(`/api/tasks/${taskId}`);
      return t.status === 'REVIEW' ? t : undefined;
    });
    expect(review.diffNumstat.map((f) => f.path)).toEqual(['src/feature.txt']);
    expect(review.scopeViolations).toEqual([]);
    expect(review.commits).toHaveLength(1);

    await api(`/api/tasks/${taskId}/review`, { verdict: 'approve', comments: 'ship it' });
    await waitFor('DONE', async () =>
      (await api<{ status: string }>(`/api/tasks/${taskId}`)).status === 'DONE' ? true : undefined,
    );
    expect(git('log', '-1', '--format=%s', 'main')).toBe(
      `Merge task ${taskId} (hq/${taskId}) into main`,
    );
    expect(git('show', 'main:src/feature.txt')).toContain('Task: Write the feature');
    expect(git('worktree', 'list')).not.toContain(taskId);

    const seen = git('log', '-1', '--format=%b', `main^2`).split(/\s+/);
    // The runner had HQ_PLANTED_SECRET (and its token) in its environment; the agent saw neither.
    expect(seen).toContain('HQ_TASK_ID');
    expect(seen).not.toContain('HQ_PLANTED_SECRET');
    expect(seen).not.toContain('HQ_RUNNER_TOKEN');
    expect(
      seen.filter(
        (n) =>
          n &&
          !n.startsWith('HQ_') &&
          !['PATH', 'HOME', 'LANG', 'TMPDIR', 'PWD', 'SHLVL', 'OLDPWD', '_'].includes(n),
      ),
    ).toEqual([]);

    runner.child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => runner.child.once('exit', resolve));
    expect(code).toBe(0);
    expect(runner.output()).toMatch(
      /Runner stopped after .*1 claimed, 1 sent to review, 0 failed, 1 merged/,
    );
  });

  it('flags an edit outside the expected scope in the review queue', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-scope' });
    const runner = startRunner(
      token,
      `${GOOD_AGENT} && echo '{}' > package.json && git add package.json && git -c user.name=agent -c user.email=a@a commit -qm bump`,
    );
    const id = await taskAfterApproval('Scope creep');
    await waitFor('REVIEW', async () => ((await status(id)) === 'REVIEW' ? true : undefined), {
      diagnostics: async () =>
        `${runner.output()}\n${JSON.stringify(await api(`/api/tasks/${id}`))}`,
    });
    const queue = await api<{ items: { id: string; scopeViolations: string[] }[] }>(
      '/api/tasks?status=REVIEW',
    );
    expect(queue.items.find((t) => t.id === id)?.scopeViolations).toEqual(['package.json']);
    killGroup(runner.child, 'SIGINT');
    await new Promise((resolve) => runner.child.once('exit', resolve));
  });

  it('requeues the task of a runner killed mid-task; a second runner finishes it', async () => {
    await api(
      '/api/settings',
      {
        workLoop: {
          heartbeatTimeoutSeconds: 5,
          maxRequeues: 3,
          failuresBeforeCooldown: 3,
          cooldownMinutes: 30,
          maxTaskAgeHours: 48,
        },
      },
      'PATCH',
    );
    const first = await api<{ token: string }>('/api/runners', { name: 'e2e-doomed' });
    const doomed = startRunner(first.token, 'sleep 300');
    const id = await taskAfterApproval('Survive a crash');
    await waitFor('RUNNING on the first runner', async () =>
      (await status(id)) === 'RUNNING' ? true : undefined,
    );
    killGroup(doomed.child, 'SIGKILL');
    const second = await api<{ token: string }>('/api/runners', { name: 'e2e-rescue' });
    const rescue = startRunner(second.token, GOOD_AGENT);
    // The agent's Durable Object alarm notices the silence after 5 s and requeues the task.
    await waitFor(
      'REVIEW after the requeue',
      async () => ((await status(id)) === 'REVIEW' ? true : undefined),
      {
        seconds: 90,
        diagnostics: async () =>
          `rescue runner:\n${rescue.output()}\ntask: ${JSON.stringify(await api(`/api/tasks/${id}`))}`,
      },
    );
    const detail = await api<{ requeues: number; events: { to: string; actor: string }[] }>(
      `/api/tasks/${id}`,
    );
    expect(detail.requeues).toBe(1);
    expect(detail.events.map((e) => e.to)).toEqual([
      'PENDING',
      'ASSIGNED',
      'RUNNING',
      'PENDING',
      'ASSIGNED',
      'RUNNING',
      'REVIEW',
    ]);
    expect(detail.events[3]).toMatchObject({ actor: 'sweeper' });
    await api(`/api/tasks/${id}/review`, { verdict: 'approve', comments: '' });
    await waitFor('DONE', async () => ((await status(id)) === 'DONE' ? true : undefined));
    expect(git('show', `main:src/feature-${id}.txt`)).toContain('Survive a crash');
    killGroup(rescue.child, 'SIGINT');
    await new Promise((resolve) => rescue.child.once('exit', resolve));
  }, 150_000);

  it('runs the built-in OpenAI-compatible tool loop: tools confined, tokens counted, key kept in the runner', async () => {
    const model = await startOpenAiStandIn([
      {
        calls: [
          {
            name: 'write_file',
            args: { path: 'src/from-model.txt', content: 'written by the model\n' },
          },
        ],
      },
      { calls: [{ name: 'read_file', args: { path: '../../../../etc/hostname' } }] },
      { calls: [{ name: 'run_command', args: { command: 'env | cut -d= -f1 | sort' } }] },
      { text: 'Done: src/from-model.txt added.' },
    ]);
    try {
      const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-openai' });
      const runner = startRunner(
        token,
        '',
        [
          '--executor',
          'openai',
          '--base-url',
          model.baseURL,
          '--model',
          'scripted-model',
          '--api-key-env',
          'HQ_TEST_MODEL_KEY',
          '--price-in',
          '2',
          '--price-out',
          '8',
        ],
        { HQ_TEST_MODEL_KEY: 'sk-test-model-key' },
      );
      const id = await taskAfterApproval('Let the model write');
      await waitFor('REVIEW', async () => ((await status(id)) === 'REVIEW' ? true : undefined));
      const task = await api<{ diffNumstat: { path: string }[]; costUsd: number }>(
        `/api/tasks/${id}`,
      );
      expect(task.diffNumstat.map((f) => f.path)).toEqual(['src/from-model.txt']);
      // 4 calls x (100 in, 20 out) at $2 / $8 per million tokens.
      expect(task.costUsd).toBeCloseTo((400 * 2 + 80 * 8) / 1e6, 10);
      expect(model.requests).toHaveLength(4);
      expect(model.requests[0]?.authorization).toBe('Bearer sk-test-model-key');
      expect(model.requests[0]?.body.model).toBe('scripted-model');
      const toolAnswers =
        model.requests[3]?.body.messages
          .filter((m) => m.role === 'tool')
          .map((m) => m.content ?? '') ?? [];
      expect(toolAnswers[0]).toBe('wrote 21 characters to src/from-model.txt');
      expect(toolAnswers[1]).toMatch(/^refused: .*outside the worktree/);
      // The command tool ran with the allowlisted environment: no key, no planted secret.
      expect(toolAnswers[2]).toContain('HQ_TASK_ID');
      expect(toolAnswers[2]).not.toContain('HQ_TEST_MODEL_KEY');
      expect(toolAnswers[2]).not.toContain('HQ_PLANTED_SECRET');
      // Progress shows the tokens used so far.
      expect(runner.output()).toMatch(/"Let the model write" · in review · 480 tokens/);
      killGroup(runner.child, 'SIGINT');
      await new Promise((resolve) => runner.child.once('exit', resolve));
    } finally {
      await model.close();
    }
  });

  it('stops the agent and removes the worktree when the task is cancelled while it runs', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-cancel' });
    const runner = startRunner(token, 'sleep 300');
    const id = await taskAfterApproval('Cancelled midway');
    await waitFor('RUNNING', async () => ((await status(id)) === 'RUNNING' ? true : undefined));
    await waitFor('its worktree', async () =>
      git('worktree', 'list').includes(id) ? true : undefined,
    );
    await api(`/api/tasks/${id}/cancel`, { reason: 'changed my mind' });
    await waitFor(
      'the worktree to go',
      async () => (git('worktree', 'list').includes(id) ? undefined : true),
      { seconds: 20 },
    );
    expect(runner.output()).toContain('taken back by HQ');
    killGroup(runner.child, 'SIGINT');
    await new Promise((resolve) => runner.child.once('exit', resolve));
  });

  it('gives its running task back on Ctrl-C and prints a summary', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-ctrl-c' });
    const runner = startRunner(token, 'sleep 300');
    const id = await taskAfterApproval('Interrupted');
    await waitFor('RUNNING', async () => ((await status(id)) === 'RUNNING' ? true : undefined));
    await waitFor('its worktree', async () =>
      git('worktree', 'list').includes(id) ? true : undefined,
    );
    runner.child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => runner.child.once('exit', resolve));
    // tsx, in the same process group, may report the signal itself (130), as shells do.
    expect([0, 130], runner.output()).toContain(code);
    // The runner itself may still be finishing after tsx has exited: wait for its summary.
    await waitFor(
      'the summary',
      async () => (runner.output().includes('Runner stopped') ? true : undefined),
      { seconds: 20 },
    );
    expect(runner.output()).toMatch(
      /1 claimed, 0 sent to review, 0 failed, 0 merged, 0 merge conflicts, 1 given back/,
    );
    const detail = await api<{
      status: string;
      events: { from: string | null; to: string; reason: string | null }[];
    }>(`/api/tasks/${id}`);
    expect(detail.events).toContainEqual(
      expect.objectContaining({ from: 'RUNNING', to: 'PENDING', reason: 'runner stopped' }),
    );
    expect(['PENDING', 'ASSIGNED']).toContain(detail.status);
    expect(git('worktree', 'list')).not.toContain(id);
    await api(`/api/tasks/${id}/cancel`, { reason: 'test done' });
  });
});
