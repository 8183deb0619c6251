import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBrowser } from './browser';
import { MIGRATED_STATE, migrate } from './local-hq';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the web app once per run, so browser tests never see a stale web/dist, finds the
 * browser once (unpacking the npm one if it is the one used), and migrates one local D1 that
 * every local HQ of the run copies (local-hq.ts), before any test file runs. Test files run
 * in processes forked after this, so they inherit the variable that names it.
 */
export default async function setup(): Promise<() => void> {
  const migrated = mkdtempSync(join(tmpdir(), 'hq-migrated-'));
  migrate(migrated);
  process.env[MIGRATED_STATE] = migrated;
  execFileSync(join(root, 'node_modules/.bin/vite'), ['build', '--config', 'web/vite.config.ts'], {
    cwd: root,
    stdio: 'pipe',
  });
  const browser = await findBrowser();
  console.log(`browser tests use ${browser.path} (${browser.source})`);
  return () => rmSync(migrated, { recursive: true, force: true });
}
