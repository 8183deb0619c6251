// `npm run demo`: HQ running locally, plus a runner working a generated demo repository with
// offline agents: Pixel's tasks through the claude-code preset (scripts/demo-clis/claude, an
// offline stand-in for Claude Code, first on the runner's PATH), the others through the
// command executor (scripts/demo-agent.mjs). Approve the demo mission in the web app, approve
// the reviews, and watch the merges land in the demo repository. No API key, nothing external.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDevVars } from './dev-vars.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = process.env.PORT || '8787';
const server = `http://127.0.0.1:${port}`;
const repo = process.env.HQ_DEMO_REPO || join(root, '.wrangler', 'demo-repo');
const children = [];

function stopAll(code) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGINT');
  setTimeout(() => process.exit(code), 1500).unref();
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stopAll(0));

/** A small git repository for the demo agent to work on, made once. */
function demoRepository() {
  if (existsSync(join(repo, '.git'))) return;
  mkdirSync(join(repo, 'src', 'middleware'), { recursive: true });
  mkdirSync(join(repo, 'docs'), { recursive: true });
  writeFileSync(join(repo, 'README.md'), '# Storefront (HQ demo repository)\n');
  writeFileSync(join(repo, 'src', 'middleware', 'index.ts'), 'export {};\n');
  writeFileSync(join(repo, 'docs', 'api.md'), '# API\n');
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.name=HQ demo', '-c', 'user.email=demo@hq.local', ...args], {
      cwd: repo,
    });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'Demo repository');
}

async function waitForHq() {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${server}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('HQ did not start within 2 minutes');
}

/** Signs in locally as the first admin and registers a runner; returns its token. */
async function registerRunner() {
  const admin = (readDevVars(join(root, '.dev.vars')).ADMIN_EMAILS ?? '').split(',')[0]?.trim();
  const headers = { 'content-type': 'application/json', origin: server };
  const login = await fetch(`${server}/auth/dev/login`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ email: admin }),
  });
  if (!login.ok) throw new Error(`local sign-in as ${admin} failed: ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const runner = await fetch(`${server}/api/runners`, {
    method: 'POST',
    headers: { ...headers, cookie },
    body: JSON.stringify({ name: 'demo runner' }),
  });
  if (!runner.ok) throw new Error(`registering the demo runner failed: ${await runner.text()}`);
  return { token: (await runner.json()).token, admin };
}

demoRepository();
const hq = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});
children.push(hq);
hq.on('exit', (code) => stopAll(code ?? 1));
await waitForHq();
const { token, admin } = await registerRunner();
const runner = spawn(
  join(root, 'node_modules', '.bin', 'tsx'),
  [
    'runner/cli.ts',
    '--server',
    server,
    // Served under the name the demo company's mission gives its repository.
    '--repo',
    `demo/storefront=${repo}`,
    '--executor',
    'command',
    '--command',
    `node ${join(root, 'scripts', 'demo-agent.mjs')}`,
    '--heartbeat',
    '2',
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      HQ_RUNNER_TOKEN: token,
      PATH: `${join(root, 'scripts', 'demo-clis')}${delimiter}${process.env.PATH}`,
    },
  },
);
children.push(runner);
console.log(`
  HQ demo: http://localhost:${port} (sign in locally as ${admin})
  1. Missions: approve "Rate-limit the public API". Its tasks are dispatched and the runner takes
     them: Forge's with the command executor, Pixel's with the claude-code preset (an offline
     stand-in for Claude Code, scripts/demo-clis/claude).
  2. Review: approve each task. The runner merges it into main of the demo repository:
       git -C ${repo} log --oneline --graph main
  Ctrl-C stops HQ and the runner (the runner gives unfinished tasks back).
`);
