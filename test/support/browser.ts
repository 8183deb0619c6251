import { execFile } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { adoptMarkedGroups, markedEnv } from './processes';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** Where a browser comes from, in the order it is looked for. */
export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'npm';

export interface BrowserExecutable {
  path: string;
  source: BrowserSource;
}

// System Chromium builds by their usual command names (Debian, Ubuntu, Fedora, Chrome).
const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function systemChromium(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of SYSTEM_NAMES) {
    for (const dir of [...dirs, '/usr/bin']) {
      if (executable(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

/**
 * The Chromium that `@sparticuz/chromium` ships brotli-compressed inside its npm package,
 * unpacked once into node_modules/.cache. The package unpacks into the temporary directory
 * it is given, so it runs in a child with TMPDIR set to a fresh directory, which is then
 * renamed into place: a run cut short leaves no half-written browser behind, and two runs
 * unpacking at once both end with one whole copy.
 */
async function npmChromium(): Promise<string> {
  // The package exports no package.json: read it beside its entry point.
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const manifest = join(dirname(entry), '..', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const home = join(cache, `hq-chromium-${version}`);
  const binary = join(home, 'chromium');
  if (executable(binary)) return binary;
  rmSync(home, { recursive: true, force: true });
  const staging = mkdtempSync(join(cache, `hq-chromium-${version}-unpacking-`));
  try {
    const script =
      "const { default: c } = await import('@sparticuz/chromium'); console.log(await c.executablePath());";
    await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, TMPDIR: staging },
    });
    if (!executable(join(staging, 'chromium'))) {
      throw new Error(`@sparticuz/chromium left no executable in ${staging}`);
    }
    try {
      renameSync(staging, home);
    } catch (error) {
      // Another run got there first: theirs is whole, ours goes.
      if (!executable(binary)) throw error;
    }
    return binary;
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}

/** CHROMIUM_PATH if set, else a system Chromium if there is one, else the npm one. */
export async function findBrowser(): Promise<BrowserExecutable> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!executable(configured)) {
      throw new Error(`CHROMIUM_PATH is ${configured}, which is not an executable file.`);
    }
    return { path: configured, source: 'CHROMIUM_PATH' };
  }
  const system = systemChromium();
  if (system) return { path: system, source: 'system' };
  return { path: await npmChromium(), source: 'npm' };
}

// The npm build is a headless shell made for serverless hosts: its GPU runs in process
// (--single-process is not used: a second browser context stalls in it).
const NPM_ARGS = ['--in-process-gpu', '--use-gl=angle'];

/** Headless Chromium with WebGL through SwiftShader and no background traffic. */
export async function launchBrowser(): Promise<Browser> {
  const { path, source } = await findBrowser();
  const browser = await chromium.launch({
    executablePath: path,
    // The mark lets the reaper end the browser and its helpers if this process dies.
    env: markedEnv(),
    args: [
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(source === 'npm' ? NPM_ARGS : []),
    ],
  });
  // Chromium clears its helpers' environment: remember the browser's group for the reaper.
  adoptMarkedGroups();
  return browser;
}
