// Live run logs end to end: `wrangler dev` with its local R2 bucket, the runner CLI, and a
// stand-in agent that prints slowly, writes a declared secret (once cut in two by a pause)
// and then waits at a gate, so the log is read through the API while the run still goes.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HqApi, hqApi, signInDev, tempRepo, waitFor } from '../support/hq-api';
import { type LocalHq, startLocalHq } from '../support/local-hq';
import { endProcess, spawnOwned } from '../support/processes';
import { E2E_REPOSITORY } from '../support/runner-cli';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'deploy-token-4f9a8b7c6d5e';
let hq: LocalHq;
let viewer = '';
let asAdmin: HqApi;
let asViewer: HqApi;
let repo = '';
let gateDir = '';
let runner: ChildProcess | undefined;
let runnerOutput = '';

/** Every wait here ends, on a timeout, with the runner's latest output: it says what went wrong. */
const until = <T>(what: string, check: () => Promise<T | undefined>) =>
  waitFor(what, check, { diagnostics: () => `--- runner ---\n${runnerOutput.slice(-3000)}` });

interface LogPage {
  run: number | null;
  live: boolean;
  chunks: { seq: number; text: string }[];
  next: number;
  more: boolean;
}

/** A reader following the log as the web page does: page after page from its cursor. */
function follower(taskId: string) {
  let after = 0;
  let text = '';
  let live = true;
  return {
    async poll() {
      for (;;) {
        const page = await asViewer<LogPage>(`/api/tasks/${taskId}/logs?after=${after}`);
        text += page.chunks.map((c) => c.text).join('');
        after = page.next;
        live = page.live;
        if (!page.more) return { text, live };
      }
    },
  };
}

beforeAll(async () => {
  hq = await startLocalHq();
  asAdmin = hqApi(hq, await signInDev(hq, 'admin@hq.local'));
  viewer = await signInDev(hq, 'viewer@hq.local');
  asViewer = hqApi(hq, viewer);
  repo = tempRepo('hq-logs-repo-').dir;
  gateDir = mkdtempSync(join(tmpdir(), 'hq-logs-gate-'));
});

afterAll(async () => {
  if (runner) await endProcess(runner, 'SIGKILL');
  await hq?.stop();
  for (const dir of [repo, gateDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('live run logs through the real runner and HQ', () => {
  it('shows the masked log and the last line while the agent works, then the whole log', async () => {
    const gate = join(gateDir, 'open');
    const agent = [
      'echo "starting $HQ_TASK_TITLE"',
      'for i in 1 2 3; do echo "step $i with $DEPLOY_TOKEN"; sleep 0.5; done',
      // The secret in two writes, 3 s apart: the runner flushes in between.
      'printf "split %s" "$(printf %s "$DEPLOY_TOKEN" | cut -c1-10)"',
      'sleep 3',
      'printf "%s end\\n" "$(printf %s "$DEPLOY_TOKEN" | cut -c11-)"',
      'echo "waiting for the gate"',
      `while [ ! -f '${gate}' ]; do sleep 0.2; done`,
      'mkdir -p src && echo done > src/log.txt && git add src',
      'git -c user.name=agent -c user.email=a@a commit -qm "log task"',
      'echo committed',
      'echo "-----"',
    ].join('\n');
    const { token } = await asAdmin<{ token: string }>('/api/runners', { name: 'log-e2e' });
    runner = spawnOwned(
      join(root, 'node_modules/.bin/tsx'),
      [
        'runner/cli.ts',
        ...['--server', hq.url, '--repo', `${E2E_REPOSITORY}=${repo}`, '--heartbeat', '1'],
        ...['--command', agent, '--env', 'DEPLOY_TOKEN'],
      ],
      {
        cwd: root,
        env: { ...process.env, DEPLOY_TOKEN: SECRET, HQ_RUNNER_TOKEN: token },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    runner.stdout?.on('data', (c: Buffer) => (runnerOutput += c.toString()));
    runner.stderr?.on('data', (c: Buffer) => (runnerOutput += c.toString()));

    const mission = await asAdmin<{ id: string }>('/api/missions', {
      title: 'Log mission',
      brief: 'Print slowly.',
      repository: E2E_REPOSITORY,
      tasks: [{ title: 'Print', spec: 'Print.', expectedScope: ['src/**'], agentHint: 'forge' }],
    });
    const approved = await asAdmin<{ tasks: { id: string }[] }>(
      `/api/missions/${mission.id}/approve`,
      {},
    );
    const id = approved.tasks[0]?.id ?? '';
    const log = follower(id);

    // While the agent waits at its gate: the log so far, through the API, masked.
    const during = await until('the log up to the gate', async () => {
      const seen = await log.poll();
      return seen.text.includes('waiting for the gate\n') ? seen : undefined;
    });
    expect(during.live).toBe(true);
    expect((await asViewer<{ status: string }>(`/api/tasks/${id}`)).status).toBe('RUNNING');
    expect(during.text).toBe(
      [
        'starting Print',
        'step 1 with [masked DEPLOY_TOKEN]',
        'step 2 with [masked DEPLOY_TOKEN]',
        'step 3 with [masked DEPLOY_TOKEN]',
        'split [masked DEPLOY_TOKEN] end',
        'waiting for the gate',
        '',
      ].join('\n'),
    );
    expect(during.text).not.toContain(SECRET.slice(0, 10));
    const lastLine = await until('the last line from a heartbeat', async () => {
      const task = await asViewer<{ lastLine: string | null }>(`/api/tasks/${id}`);
      return task.lastLine === 'waiting for the gate' ? task.lastLine : undefined;
    });
    expect(lastLine).toBe('waiting for the gate');

    writeFileSync(gate, '');
    await until('REVIEW', async () => {
      const task = await asViewer<{ status: string }>(`/api/tasks/${id}`);
      return task.status === 'REVIEW' ? true : undefined;
    });
    const after = await log.poll();
    expect(after.live).toBe(false);
    expect(after.text).toBe(`${during.text}committed\n-----\n`);
    // The final beat: the rule after the last word is noise, not a line.
    const done = await asViewer<{ lastLine: string | null }>(`/api/tasks/${id}`);
    expect(done.lastLine).toBe('committed');

    const download = await fetch(`${hq.url}/api/tasks/${id}/logs.txt`, {
      headers: { cookie: viewer },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="task-${id}-run-1.log"`,
    );
    expect(await download.text()).toBe(after.text);
    expect((await fetch(`${hq.url}/api/tasks/${id}/logs`)).status).toBe(401);
  });
});
