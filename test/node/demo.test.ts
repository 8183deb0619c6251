import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readDevVars } from '../../scripts/dev-vars.mjs';
import { hqApi, signInDev, waitFor } from '../support/hq-api';
import { endProcess, spawnOwned } from '../support/processes';

const root = fileURLToPath(new URL('../..', import.meta.url));
const state = mkdtempSync(join(tmpdir(), 'hq-demo-'));
const repo = join(state, 'repo');
let demo: ChildProcess | undefined;

afterAll(async () => {
  if (demo) await endProcess(demo, 'SIGKILL');
  rmSync(state, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/**
 * The demo's HQ may answer a check with an error while it settles: such a check counts as
 * not yet, and the wait goes on (waitFor alone would end on it).
 */
const until = <T>(
  what: string,
  check: () => Promise<T | undefined>,
  seconds: number,
  diagnostics?: () => string,
) => waitFor(what, () => check().catch(() => undefined), { seconds, pollMs: 500, diagnostics });

describe('npm run demo', () => {
  it('runs HQ with a runner and an offline agent: approving the demo mission ends in merges', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    demo = spawnOwned(process.execPath, ['scripts/demo.mjs'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HQ_STATE_DIR: join(state, 'wrangler'),
        HQ_DEMO_REPO: repo,
        CI: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    demo.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    await until(
      'the demo banner',
      async () => (output.includes('HQ demo:') ? true : undefined),
      150,
      () => output.slice(-3000),
    );

    const admin = (readDevVars(join(root, '.dev.vars')).ADMIN_EMAILS ?? '').split(',')[0]?.trim();
    const api = hqApi({ url }, await signInDev({ url }, admin ?? ''));
    const missions = await api<{ items: { id: string; title: string }[] }>(
      '/api/missions?status=PROPOSED',
    );
    const mission = missions.items.find((m) => m.title === 'Rate-limit the public API');
    expect(mission, 'the demo company has its proposed mission').toBeDefined();
    const approved = await api<{ tasks: { id: string }[] }>(
      `/api/missions/${mission?.id}/approve`,
      {},
    );
    expect(approved.tasks).toHaveLength(2);
    for (const task of approved.tasks) {
      await until(
        'review',
        async () =>
          (await api<{ status: string }>(`/api/tasks/${task.id}`)).status === 'REVIEW'
            ? true
            : undefined,
        60,
      );
      await api(`/api/tasks/${task.id}/review`, { verdict: 'approve', comments: 'demo' });
    }
    for (const task of approved.tasks) {
      await until(
        'merge',
        async () =>
          (await api<{ status: string }>(`/api/tasks/${task.id}`)).status === 'DONE'
            ? true
            : undefined,
        60,
      );
    }
    const log = execFileSync('git', ['log', '--format=%s', 'main'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(log.match(/^Merge task /gm)).toHaveLength(2);
    // Pixel's task went through the claude-code preset (the offline stand-in), Forge's through
    // the runner's command executor; claude's reported money is in the spend.
    const byWhom = (who: string) =>
      execFileSync('git', ['grep', '-l', who, 'main', '--', 'docs', 'src'], {
        cwd: repo,
        encoding: 'utf8',
      });
    expect(byWhom("the demo's Claude Code stand-in (claude-sonnet-4)")).toMatch(/^main:docs\//);
    expect(byWhom('Written by the demo agent')).toMatch(/^main:src\/middleware\//);
    const spend = await api<{ byAgent: { slug: string | null; costUsd: number }[] }>('/api/spend');
    expect(spend.byAgent.find((a) => a.slug === 'pixel')?.costUsd).toBeCloseTo(0.0123, 10);
  }, 240_000);
});
