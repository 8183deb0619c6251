import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { groupAlive } from '../support/marked-processes.mjs';
import { endAllProcesses, endProcess, ownedProcesses, spawnOwned } from '../support/processes';
import { startSignedIn } from '../support/signed-in';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'hq-processes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const isBrowser = (command: string) => /chrom/i.test(command);
const isWorkerd = (command: string) => /workerd/.test(command);

/** Polls until nothing started under this process's mark runs, or fails listing what does. */
async function expectNothingLeft(seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (ownedProcesses().length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(ownedProcesses().map((p) => `${p.pid} ${p.command.slice(0, 120)}`)).toEqual([]);
}

/**
 * Starts the stand-in test file; resolves once HQ and its browser are up, with the process
 * spawned (tsx) and the pid of the one running the file (tsx's child).
 */
async function holdHqAndBrowser(): Promise<{ child: ChildProcess; script: number }> {
  const child = spawnOwned(
    join(root, 'node_modules/.bin/tsx'),
    ['test/support/hold-hq-and-browser.ts'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const script = await new Promise<number>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\d+)/.exec(output);
      if (ready) resolve(Number(ready[1]));
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`the stand-in exited with ${code}:\n${output}`)));
  });
  const running = ownedProcesses().map((p) => p.command);
  expect(running.some(isWorkerd), 'workerd runs').toBe(true);
  expect(running.some(isBrowser), 'the browser runs').toBe(true);
  return { child, script };
}

describe('no process outlives the test that started it', () => {
  it('a start that fails on purpose leaves no workerd, wrangler or browser behind', async () => {
    // A "browser" that starts a helper of its own and then fails, as a broken install would.
    const fake = join(scratch, 'broken-browser');
    // The helper lets go of the launcher's pipes, as a daemonised helper would.
    const helper = 'sleep 300 </dev/null >/dev/null 2>&1 3>&- 4>&- &';
    writeFileSync(fake, `#!/bin/sh\n${helper}\necho "no display" >&2\nexit 1\n`);
    chmodSync(fake, 0o755);
    const configured = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = fake;
    try {
      await expect(startSignedIn('admin@hq.local')).rejects.toThrow();
    } finally {
      if (configured === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = configured;
    }
    // HQ was up or on its way when the browser failed: the failed start ended it itself.
    const left = ownedProcesses().map((p) => p.command);
    expect(left.filter((c) => isWorkerd(c) || /wrangler/.test(c))).toEqual([]);
    // What the node project's setup file runs after every file ends the rest.
    await endAllProcesses();
    await expectNothingLeft(5);
  });

  it('a run killed with SIGKILL leaves nothing: the reaper ends HQ and the browser', async () => {
    const { child, script } = await holdHqAndBrowser();
    // The process running the file dies with no chance to clean up; tsx above it follows.
    process.kill(script, 'SIGKILL');
    await expectNothingLeft(20);
    await endProcess(child); // already gone; keeps the bookkeeping tidy
  });

  it('a run interrupted with Ctrl-C (SIGINT to its group) leaves nothing', async () => {
    const { child } = await holdHqAndBrowser();
    process.kill(-(child.pid as number), 'SIGINT');
    await expectNothingLeft(20);
    await endProcess(child); // already gone; keeps the bookkeeping tidy
  });

  it('the check itself sees a process left behind', async () => {
    const sleeper = spawnOwned('sleep', ['300'], { stdio: 'ignore' });
    expect(ownedProcesses().map((p) => p.pid)).toContain(sleeper.pid);
    await endProcess(sleeper);
    expect(ownedProcesses()).toEqual([]);
    // Ended, not merely forgotten: nothing in its group runs (a zombie awaiting its reap is over).
    expect(groupAlive(sleeper.pid as number)).toBe(false);
  });
});
