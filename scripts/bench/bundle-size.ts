import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { verdict } from './stats';
import type { BenchContext, BenchRow } from './types';

const WORKER_BAR_KIB = 400;
const WEB_BAR_KIB = 150;

const gzipKib = (bytes: Buffer) => gzipSync(bytes).length / 1024;
const kib = (value: number) => `${value.toFixed(1)} KiB`;

/** The worker as `wrangler deploy` would upload it (every module but source maps), gzipped. */
function workerKib(root: string): { kib: number; modules: number } {
  const out = mkdtempSync(join(tmpdir(), 'hq-bench-bundle-'));
  try {
    execFileSync(
      join(root, 'node_modules', '.bin', 'wrangler'),
      ['deploy', '--dry-run', '--outdir', out],
      { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, stdio: 'pipe' },
    );
    const modules = readdirSync(out).filter((f) => /\.(m?js|wasm)$/.test(f));
    const total = modules.reduce((sum, f) => sum + gzipKib(readFileSync(join(out, f))), 0);
    return { kib: total, modules: modules.length };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The JavaScript a first page load fetches: the entry script and the module preloads named
 * in index.html. Chunks loaded later by dynamic import() are not in it.
 */
export function initialWebJs(dist: string): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const isScript = tag.startsWith('<script') && /type="module"/.test(tag);
    const isPreload = /rel="modulepreload"/.test(tag);
    const ref = /(?:src|href)="\/?([^"]+\.js)"/.exec(tag)?.[1];
    if ((isScript || isPreload) && ref) files.add(ref);
  }
  return [...files];
}

/** Gzipped size of the worker bundle and of the web app's initial JavaScript. */
export async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const worker = workerKib(ctx.root);
  // index.ts built web/dist before any suite ran.
  const dist = join(ctx.root, 'web', 'dist');
  const initial = initialWebJs(dist);
  const web = initial.reduce((sum, f) => sum + gzipKib(readFileSync(join(dist, f))), 0);
  ctx.log(
    `bundle: worker ${kib(worker.kib)} gzip, web initial ${kib(web)} gzip (${initial.join(', ')})`,
  );
  return [
    {
      name: 'Worker bundle (gzip)',
      value: kib(worker.kib),
      bar: `< ${WORKER_BAR_KIB} KiB`,
      verdict: verdict(worker.kib < WORKER_BAR_KIB),
      note: `wrangler deploy --dry-run, ${worker.modules} module(s)`,
    },
    {
      name: 'Web app initial JS (gzip)',
      value: kib(web),
      bar: `< ${WEB_BAR_KIB} KiB`,
      verdict: verdict(web < WEB_BAR_KIB),
      note: `${initial.length} file(s) from index.html; lazy chunks excluded`,
    },
  ];
}
