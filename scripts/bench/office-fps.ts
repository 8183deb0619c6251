import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../../test/support/browser';
import type { BenchHq } from './hq';
import { median } from './stats';
import type { BenchContext, BenchRow } from './types';

const SECONDS = 5;
/** Our own bar: the office should stay smooth on a 2-core machine drawing in software. */
const FPS_BAR = 30;

/** Hires agents (as admin) until the roster holds `count`. */
async function rosterOf(hq: BenchHq, count: number): Promise<number> {
  const admin = await hq.signIn('admin@hq.local');
  const { agents } = await admin.json<{ agents: unknown[] }>('/api/agents');
  for (let i = agents.length; i < count; i++) {
    await admin.json('/api/agents', {
      body: {
        name: `Bench robot ${i}`,
        slug: `bench-robot-${i}`,
        type: 'WORKER',
        role: 'Engineer',
        model: 'm',
        provider: 'openai',
      },
    });
  }
  return count;
}

/** Page script: frames drawn per second over `seconds`. */
const countFrames = (seconds: number) => `new Promise((resolve) => {
  let frames = 0;
  const start = performance.now();
  const tick = (now) => {
    frames++;
    if (now - start < ${seconds * 1000}) requestAnimationFrame(tick);
    else resolve((frames * 1000) / (now - start));
  };
  requestAnimationFrame(tick);
})`;

/** Frames per second of the office page at 1280x720 with `agents` robots, one per run. */
async function fps(ctx: BenchContext, hq: BenchHq, agents: number): Promise<number[]> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${hq.url}/signin`);
    await page.getByLabel('Local sign-in (development only)').fill('viewer@hq.local');
    await page.getByRole('button', { name: 'Sign in locally' }).click();
    await page.getByTestId('whoami').waitFor();
    await page.goto(`${hq.url}/office`);
    await page.waitForFunction(`window.hqOffice?.sceneRobots() === ${agents}`, undefined, {
      timeout: 60_000,
    });
    await page.waitForTimeout(2_000); // warm-up: shaders compiled, first walks planned
    const samples: number[] = [];
    for (let run = 0; run < ctx.runs; run++) {
      // A string, not a function: tsx would wrap a function with helpers the page lacks.
      samples.push(await page.evaluate<number>(countFrames(SECONDS)));
    }
    ctx.log(`office: ${agents} robots: ${samples.map((f) => f.toFixed(1)).join(', ')} fps`);
    return samples;
  } finally {
    await browser.close();
  }
}

/** The office chunk (three.js and the scene) as a browser fetches it on /office, gzipped. */
function officeChunkKib(root: string): number {
  const assets = join(root, 'web', 'dist', 'assets');
  return readdirSync(assets)
    .filter((f) => f.startsWith('OfficePage-'))
    .reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f))).length / 1024, 0);
}

/** Office frames per second with 50 and with 200 agents, and the office bundle's size. */
export async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const hq = await ctx.hq();
  const rows: BenchRow[] = [];
  for (const agents of [50, 200]) {
    await rosterOf(hq, agents);
    const value = median(await fps(ctx, hq, agents));
    rows.push({
      name: `Office frames per second, ${agents} agents`,
      value: `${value.toFixed(1)} fps`,
      bar: `≥ ${FPS_BAR} fps (ours)`,
      verdict: value >= FPS_BAR ? 'PASS' : 'MISS',
      note: `headless Chromium, SwiftShader, 1280x720, ${SECONDS} s per run`,
    });
  }
  rows.push({
    name: 'Office bundle, loaded on /office only (gzip)',
    value: `${officeChunkKib(ctx.root).toFixed(1)} KiB`,
    bar: '—',
    verdict: '—',
    note: 'three.js and the scene; the initial JS row is the rest of the app',
  });
  return rows;
}
