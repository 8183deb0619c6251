// `npm start`: from a fresh clone to HQ running locally at http://localhost:8787.
// Steps: .dev.vars, web build (skip with --skip-build), local D1 migrations, `wrangler dev`,
// and a local clock that fires the Cron Triggers of wrangler.toml (wrangler dev runs none).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDevVars, readDevVars } from './dev-vars.mjs';
import { cronsOf, startLocalClock } from './local-clock.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = process.env.PORT || '8787';
// Local D1 and Durable Object state; HQ_STATE_DIR keeps a demo or a test apart from your own.
const persist = process.env.HQ_STATE_DIR ? ['--persist-to', process.env.HQ_STATE_DIR] : [];
// wrangler's devtools inspector only on request (HQ_INSPECTOR_PORT=9229): with no debugger
// attached its proxy keeps the runtime's devtools messages, and grew from 65 to 303 MiB while
// 10,000 tasks were created, then to 1.5 GB when a debugger attached. wrangler 4 has no flag to
// leave it out; it does in a VS Code debug terminal, which VSCODE_INSPECTOR_OPTIONS marks.
const inspector = process.env.HQ_INSPECTOR_PORT
  ? ['--inspector-port', process.env.HQ_INSPECTOR_PORT]
  : [];
const devEnv = inspector.length
  ? process.env
  : { ...process.env, VSCODE_INSPECTOR_OPTIONS: process.env.VSCODE_INSPECTOR_OPTIONS ?? '{}' };
const skipBuild = process.argv.includes('--skip-build');

// The project's own pinned binaries, never whatever happens to be on PATH.
function bin(name) {
  const path = join(root, 'node_modules', '.bin', name);
  if (!existsSync(path)) fail(`${path} is missing: run \`npm install\` first.`);
  return path;
}

function fail(message, code = 1) {
  console.error(`\n✖ ${message}`);
  process.exit(code);
}

// A child process's exit status as ours: its code, or 128 + signal number as shells report it.
function exitStatus(code, signal) {
  return code ?? 128 + (constants.signals[signal] ?? 0);
}

/** Runs one setup step to completion; any failure stops `npm start` with the step's status. */
function step(title, name, args, env = process.env) {
  console.log(`\n▶ ${title}`);
  return new Promise((resolve) => {
    const child = spawn(bin(name), args, { cwd: root, env, stdio: 'inherit', shell: false });
    child.on('error', (error) => fail(`${title}: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else fail(`${title} failed.`, exitStatus(code, signal));
    });
  });
}

/**
 * Waits for the first answer from /api/health. The first request is what seeds the demo company
 * (DEMO_COMPANY=true), so doing it here means the app is populated before anyone opens it.
 * One long-lived fetch is fine: wrangler holds requests until the worker is ready.
 */
async function firstHealthCheck(child) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`, {
        signal: AbortSignal.timeout(Math.max(deadline - Date.now(), 1)),
      });
      return await response.json().catch(() => ({}));
    } catch {
      // Not listening yet (connection refused): try again shortly.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return undefined;
}

function banner(vars, health, crons) {
  const lines = ['', `  HQ is running at http://localhost:${port}`];
  if (vars.DEV_LOGIN === 'true') {
    lines.push('  Local sign-in is enabled (DEV_LOGIN=true in .dev.vars). Sign in as:');
    for (const [role, key] of [
      ['admin', 'ADMIN_EMAILS'],
      ['operator', 'OPERATOR_EMAILS'],
      ['viewer', 'VIEWER_EMAILS'],
    ]) {
      const emails = (vars[key] ?? '')
        .split(',')
        .map((email) => email.trim())
        .filter(Boolean);
      if (emails.length > 0) lines.push(`    ${role.padEnd(8)} ${emails.join(', ')}`);
    }
  } else {
    lines.push('  Local sign-in is off: set DEV_LOGIN=true in .dev.vars to enable it.');
  }
  lines.push(
    `  Cron Triggers fire locally on their schedules (${crons.join(', ')}, UTC). A tick by hand:`,
    `    curl "http://localhost:${port}/__scheduled?cron=${encodeURIComponent(crons[0] ?? '* * * * *')}"`,
  );
  if (health === undefined)
    lines.push('  (No answer from /api/health yet: it may still be starting.)');
  for (const problem of health?.problems ?? []) lines.push(`  ⚠ ${problem}`);
  const secrets = health?.checks?.secrets;
  if (secrets?.status === 'degraded') lines.push(`  ⚠ ${secrets.message}`);
  console.log(`${lines.join('\n')}\n`);
}

const devVars = ensureDevVars(root);
console.log(
  devVars.created
    ? `▶ Created ${devVars.path} with a new SESSION_SECRET and ENCRYPTION_KEY.`
    : `▶ Kept your existing ${devVars.path} (not modified).`,
);

if (!skipBuild)
  await step('Building the web app', 'vite', ['build', '--config', 'web/vite.config.ts']);

// CI=true makes wrangler take the default answer instead of asking to confirm the migrations.
const nonInteractive = { ...process.env, CI: 'true' };
const migrate = ['d1', 'migrations', 'apply', 'DB', '--local', ...persist];
await step('Applying D1 migrations to the local database', 'wrangler', migrate, nonInteractive);

console.log(`\n▶ Starting wrangler dev on http://localhost:${port}`);
const dev = spawn(
  bin('wrangler'),
  // --test-scheduled: /__scheduled runs the scheduled handler (the local clock's door).
  ['dev', '--port', port, '--ip', '127.0.0.1', '--test-scheduled', ...persist, ...inspector],
  {
    cwd: root,
    env: devEnv,
    stdio: 'inherit',
    shell: false,
  },
);
dev.on('error', (error) => fail(`wrangler dev: ${error.message}`));
dev.on('exit', (code, signal) => process.exit(exitStatus(code, signal)));

// Forward stop requests so wrangler can shut workerd down cleanly; we exit when it does.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => dev.kill(signal));
}

const health = await firstHealthCheck(dev);
if (dev.exitCode === null && dev.signalCode === null) {
  const crons = cronsOf(root);
  startLocalClock(`http://127.0.0.1:${port}`, crons);
  banner(readDevVars(devVars.path), health, crons);
}
