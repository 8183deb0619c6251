import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimental_readRawConfig } from 'wrangler';
import { readDevVars } from '../../scripts/dev-vars.mjs';
import { spawnOwned } from '../support/processes';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

/** Runs a project binary in the repo root; resolves with its exit code and combined output. */
function run(name: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnOwned(bin(name), args, {
      cwd: root,
      shell: false,
      // Non-interactive, no telemetry, no colour codes in the output we match on.
      env: {
        ...process.env,
        CI: 'true',
        WRANGLER_SEND_METRICS: 'false',
        NO_COLOR: '1',
        FORCE_COLOR: '0',
      },
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('wrangler deploy --dry-run', () => {
  let outdir: string;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'hq-deploy-'));
    // The deploy uploads web/dist as the assets directory, so it has to exist.
    if (!existsSync(join(root, 'web/dist/index.html'))) {
      const build = await run('vite', ['build', '--config', 'web/vite.config.ts']);
      expect(build.code, build.output).toBe(0);
    }
  }, 180_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('bundles the worker with its D1 binding and no local sign-in', async () => {
    const { code, output } = await run('wrangler', ['deploy', '--dry-run', '--outdir', outdir]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/env\.DB \(hq\)\s+D1 Database/);
    expect(output).not.toContain('DEV_LOGIN');
    expect(
      readdirSync(outdir).filter((file) => file.endsWith('.js')),
      output,
    ).not.toEqual([]);
  }, 180_000);
});

describe('deploy configuration', () => {
  it('does not enable DEV_LOGIN, while the local configuration for npm start does', () => {
    const { rawConfig } = experimental_readRawConfig({ config: join(root, 'wrangler.toml') });
    // Top-level [vars] and every [env.*.vars] a deploy could use.
    const envs = Object.values(rawConfig.env ?? {}) as { vars?: Record<string, unknown> }[];
    for (const vars of [rawConfig.vars, ...envs.map((env) => env.vars)]) {
      expect(String(vars?.DEV_LOGIN ?? '')).not.toBe('true'); // also catches DEV_LOGIN = true
    }
    expect(readDevVars(join(root, '.dev.vars.example')).DEV_LOGIN).toBe('true');
  });
});
