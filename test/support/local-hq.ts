import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { endProcess, markedEnv, spawnOwned } from './processes';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Names a state directory already migrated from drizzle/ (the node project's global setup
 * makes one per run): each instance starts from a copy of it instead of running
 * `wrangler d1 migrations apply`, which starts workerd and takes about 10 s on this machine.
 */
export const MIGRATED_STATE = 'HQ_TEST_MIGRATED_STATE';

/** Applies every migration in drizzle/ to the local D1 under `state`. */
export function migrate(
  state: string,
  env: NodeJS.ProcessEnv = markedEnv({
    ...process.env,
    CI: 'true',
    WRANGLER_SEND_METRICS: 'false',
  }),
): void {
  execFileSync(
    bin('wrangler'),
    ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state],
    {
      cwd: root,
      env,
      stdio: 'pipe',
    },
  );
}

export interface LocalHq {
  url: string;
  /** The wrangler process (the leader of its own group): workerd runs under it. */
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface LocalHqOptions {
  /** Runs once the state directory is migrated, before `wrangler dev` starts (e.g. to seed D1). */
  prepare?(state: string): void;
  /**
   * True: wrangler dev with its devtools inspector proxy, on a port of its own. Off by
   * default, as `npm start` runs it (scripts/start.mjs says why).
   */
  inspector?: boolean;
}

/**
 * HQ as `npm start` runs it: `wrangler dev` with local D1 (migrated from drizzle/) and local
 * Durable Objects, in a throwaway state directory, with local sign-in on. Variables given
 * with --var win over a developer's own .dev.vars.
 */
export async function startLocalHq(
  vars: Record<string, string> = {},
  options: LocalHqOptions = {},
): Promise<LocalHq> {
  // A free port can be taken between our check and wrangler's bind: try again on that race.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(vars, options);
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('Address already in use')) throw error;
    }
  }
}

async function startOnce(vars: Record<string, string>, options: LocalHqOptions): Promise<LocalHq> {
  // web/dist is built fresh by the node project's global setup (node-global-setup.ts).
  if (!existsSync(join(root, 'web/dist/index.html'))) throw new Error('web/dist is not built');
  const state = mkdtempSync(join(tmpdir(), 'hq-local-'));
  const env = markedEnv({ ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' });
  const template = process.env[MIGRATED_STATE];
  if (template && existsSync(template)) cpSync(template, state, { recursive: true });
  else migrate(state, env);
  try {
    options.prepare?.(state);
  } catch (error) {
    rmSync(state, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const allVars = {
    SESSION_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DEV_LOGIN: 'true',
    DEMO_COMPANY: 'true',
    ADMIN_EMAILS: 'admin@hq.local',
    OPERATOR_EMAILS: 'operator@hq.local',
    VIEWER_EMAILS: 'viewer@hq.local',
    ...vars,
  };
  // With the inspector, each instance needs its own devtools port: the default (9229) is
  // shared and parallel test files would race for it.
  const inspector = options.inspector ? ['--inspector-port', String(await freePort())] : [];
  const args = [
    'dev',
    '--port',
    String(port),
    '--ip',
    '127.0.0.1',
    ...inspector,
    '--persist-to',
    state,
    // As `npm start` runs it: /__scheduled runs the scheduled handler (its local clock's door).
    '--test-scheduled',
  ];
  for (const [key, value] of Object.entries(allVars)) args.push('--var', `${key}:${value}`);
  // Its own process group with our mark: ended as a whole, also if this process dies.
  const child = spawnOwned(bin('wrangler'), args, {
    cwd: root,
    env: options.inspector ? env : { ...env, VSCODE_INSPECTOR_OPTIONS: '{}' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // HQ_LOCAL_HQ_LOG=<file> keeps wrangler's whole output (the runtime's warnings) for a look after.
  const keep = process.env.HQ_LOCAL_HQ_LOG;
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-16_000);
    if (keep) appendFileSync(keep, chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await endProcess(child);
    rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- wrangler output ---\n${output.slice(-4000)}`);
  }
  return { url, pid: child.pid, stop };
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('wrangler dev did not answer /api/health within 90 s');
}
