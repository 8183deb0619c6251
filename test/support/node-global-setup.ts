import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the web app once per run, so browser tests never see a stale web/dist. */
export default function setup(): void {
  execFileSync(join(root, 'node_modules/.bin/vite'), ['build', '--config', 'web/vite.config.ts'], {
    cwd: root,
    stdio: 'pipe',
  });
}
