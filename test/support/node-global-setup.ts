import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBrowser } from './browser';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the web app once per run, so browser tests never see a stale web/dist, and finds
 * the browser once (unpacking the npm one if it is the one used) before any test file runs.
 */
export default async function setup(): Promise<void> {
  execFileSync(join(root, 'node_modules/.bin/vite'), ['build', '--config', 'web/vite.config.ts'], {
    cwd: root,
    stdio: 'pipe',
  });
  const browser = await findBrowser();
  console.log(`browser tests use ${browser.path} (${browser.source})`);
}
