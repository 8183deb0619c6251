import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../../test/support/browser';
// The page's `window.hqOffice` type.
import type {} from '../../web/src/office/probe';
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

/**
 * CPU seconds used so far by every Chromium process under this one (the GPU, and with it
 * SwiftShader, runs inside the browser process): unlike fps, not moved by other work.
 */
export function chromiumCpuSeconds(): number {
  const children = new Map<number, number[]>();
  const stats = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state, ppid, …, utime (12), stime (13).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const parent = Number(fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
      stats.set(Number(entry), [
        stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        ...fields,
      ]);
    } catch {
      // The process ended while the list was read.
    }
  }
  let ticks = 0;
  const visit = (pid: number) => {
    const stat = stats.get(pid);
    if (stat?.[0]?.includes('chrom')) ticks += Number(stat[12]) + Number(stat[13]);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(process.pid);
  return ticks / 100; // USER_HZ is 100 on Linux
}

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
    // A function, not a string: the page's CSP forbids the eval a string predicate needs.
    await page.waitForFunction((n) => window.hqOffice?.sceneRobots() === n, agents, {
      timeout: 60_000,
    });
    await page.waitForTimeout(2_000); // warm-up: shaders compiled, first walks planned
    const samples: number[] = [];
    const cpu: string[] = [];
    for (let run = 0; run < ctx.runs; run++) {
      const before = chromiumCpuSeconds();
      // A string, not a function: tsx would wrap a function with helpers the page lacks.
      const rate = await page.evaluate<number>(countFrames(SECONDS));
      samples.push(rate);
      cpu.push((((chromiumCpuSeconds() - before) * 1000) / (rate * SECONDS)).toFixed(0));
    }
    ctx.log(
      `office: ${agents} robots: ${samples.map((f) => f.toFixed(1)).join(', ')} fps, Chromium CPU ${cpu.join(', ')} ms a frame (load ${loadavg()[0]?.toFixed(1)})`,
    );
    // Frame cost is what the machine pays per frame; fps also counts what else runs on it.
    const cost = await page.evaluate(() => window.hqOffice?.frameCost(30));
    if (cost)
      ctx.log(
        `office: ${agents} robots: ${cost.ms.toFixed(1)} ms a frame, ${cost.calls} draw calls, ${cost.triangles} triangles`,
      );
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
