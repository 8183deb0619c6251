#!/usr/bin/env node
// `npm test` after the checks: the worker project, then every other project (today the node
// one), each in a vitest process of its own. With arguments (`npm test -- test/worker/x`), one
// vitest run with those arguments.
//
// Why a wrapper: on 2026-12-04 CI's vitest process itself died of SIGSEGV 14 minutes in
// (exit 139), every test until then passing; the same commit then passed in full. The crash
// is in the test runner's own process, whose one native addon is rolldown's binding (Vite's
// transformer), not in a test: tests run inside workerd or in forked children. So a vitest
// process that dies of a crash signal is run once more, saying so loudly. A test that fails
// (vitest exits with a code) is never run again, and a second crash fails the run.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

// HQ_TEST_VITEST: another entry point in vitest's place, for this wrapper's own test only.
const vitest =
  process.env.HQ_TEST_VITEST ??
  fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGABRT', 'SIGFPE']);
const args = process.argv.slice(2);
const runs =
  args.length > 0
    ? [args]
    : [
        ['--project', 'worker'],
        // Negated, so a project added to vitest.config.ts later runs too.
        ['--project', '!worker'],
      ];

let current;
let interrupted;
// Ctrl-C already reaches vitest (same process group), so SIGINT is not sent twice; a SIGTERM
// or SIGHUP sent to this process alone is passed on, so vitest ends its own children as it
// always does. Either way no further run starts.
process.on('SIGINT', () => {
  interrupted = 'SIGINT';
});
for (const signal of ['SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    interrupted = signal;
    current?.kill(signal);
  });
}

/** One vitest run: its exit code, or the signal that ended it. */
function run(runArgs) {
  return new Promise((resolve) => {
    current = spawn(process.execPath, [vitest, 'run', ...runArgs], { stdio: 'inherit' });
    current.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

for (const runArgs of runs) {
  const label = `vitest run ${runArgs.join(' ')}`;
  let result = await run(runArgs);
  if (result.signal && CRASH_SIGNALS.has(result.signal)) {
    console.error(
      `\n*** ${label}: the vitest process itself crashed (${result.signal}), not a test. ` +
        'Running it once more; a second crash fails the run. ***\n',
    );
    result = await run(runArgs);
  }
  if (result.signal) {
    console.error(`${label}: ended by ${result.signal}`);
    process.exit(128 + (constants.signals[result.signal] ?? 1));
  }
  if (result.code !== 0) process.exit(result.code ?? 1);
  if (interrupted) process.exit(128 + constants.signals[interrupted]);
}
