// scripts/test.mjs, the wrapper `npm test` runs vitest through, with a stand-in in vitest's
// place: a script that logs its arguments and then crashes (SIGSEGV, raised on itself), hangs,
// fails (exit 1) or passes, as its plan says for that call.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'hq-test-wrapper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const standIn = join(dir, 'vitest-stand-in.mjs');
writeFileSync(
  standIn,
  `import { appendFileSync, readFileSync } from 'node:fs';
const log = process.env.STAND_IN_LOG;
appendFileSync(log, JSON.stringify(process.argv.slice(2)) + '\\n');
const call = readFileSync(log, 'utf8').trim().split('\\n').length - 1;
const outcome = process.env.STAND_IN_PLAN.split(',')[call];
if (outcome === 'crash') process.kill(process.pid, 'SIGSEGV');
else if (outcome === 'hang') setInterval(() => {}, 1000);
else process.exit(Number(outcome));
`,
);

/** The log and environment of one wrapper run with the stand-in following `plan`. */
function setUp(plan: string[], args: string[]) {
  const log = join(dir, `calls-${plan.join('-')}-${args.length}.log`);
  writeFileSync(log, '');
  const env = {
    ...process.env,
    HQ_TEST_VITEST: standIn,
    STAND_IN_LOG: log,
    STAND_IN_PLAN: plan.join(','),
  };
  const calls = () =>
    readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as string[]).join(' '));
  return { env, calls };
}

/** Runs the wrapper with the stand-in following `plan`: its exit, output and the calls made. */
function wrapper(plan: string[], args: string[] = []) {
  const { env, calls } = setUp(plan, args);
  const result = spawnSync(process.execPath, ['scripts/test.mjs', ...args], {
    encoding: 'utf8',
    env,
  });
  return { status: result.status, stderr: result.stderr, calls: calls() };
}

describe('npm test: the vitest wrapper (scripts/test.mjs)', () => {
  it('runs the worker project, then every other project, each in its own vitest run', () => {
    const run = wrapper(['0', '0']);
    expect(run.calls).toEqual(['run --project worker', 'run --project !worker']);
    expect(run.status).toBe(0);
  });

  it('runs a vitest process that crashed once more, saying so, and goes on', () => {
    const run = wrapper(['crash', '0', '0']);
    expect(run.calls).toEqual([
      'run --project worker',
      'run --project worker',
      'run --project !worker',
    ]);
    expect(run.stderr).toContain('the vitest process itself crashed (SIGSEGV), not a test');
    expect(run.status).toBe(0);
  });

  it('fails on a second crash with the signal in its exit code', () => {
    const run = wrapper(['0', 'crash', 'crash']);
    expect(run.calls).toEqual([
      'run --project worker',
      'run --project !worker',
      'run --project !worker',
    ]);
    expect(run.status).toBe(128 + 11);
  });

  it('never runs a failing test run again, and stops there', () => {
    const run = wrapper(['1']);
    expect(run.calls).toEqual(['run --project worker']);
    expect(run.stderr).not.toContain('crashed');
    expect(run.status).toBe(1);
  });

  it('passes arguments through as one vitest run', () => {
    const run = wrapper(['0'], ['test/worker/health.test.ts']);
    expect(run.calls).toEqual(['run test/worker/health.test.ts']);
    expect(run.status).toBe(0);
  });

  it('passes a SIGTERM on to the running vitest and starts no further run', async () => {
    const { env, calls } = setUp(['hang', '0'], []);
    const child = spawn(process.execPath, ['scripts/test.mjs'], { env, stdio: 'ignore' });
    await expect.poll(calls).toEqual(['run --project worker']);
    child.kill('SIGTERM');
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal }).toEqual({ code: 128 + 15, signal: null });
    expect(calls()).toEqual(['run --project worker']);
  });
});
