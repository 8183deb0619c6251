import { mib, type Resident, runtimeCpuMs, workerdResident } from './core-path-memory';
import { CorePath, type Runner } from './core-path-ops';
import { type Figures, figures, medianFigures, sample, type Timing } from './core-path-sample';
import { HqHeap, otherIsolateHeaps } from './hq-heap';
import { ms, repeat, verdict } from './stats';
import { tasksSeedSql } from './task-list';
import type { BenchContext, BenchRow } from './types';

const TASKS = 10_000;
/** Requests (or propose + approve pairs) per operation, per concurrency, per run. */
const SAMPLES = 100;
/** 50-task missions approved per concurrency, per run (a multiple of LANES). */
const APPROVALS = 24;
const LANES = 8;
/** The throughput run stops at whichever comes first. */
const THROUGHPUT_MS = 60_000;
const THROUGHPUT_MISSIONS = 40;
const PER_MISSION = 50;
const BAR_TASKS_PER_S = 100;
const BAR_RUNTIME_MIB = 200;

/** 10,000 finished or in-review tasks in 200 approved missions (task-list.ts's generator). */
export const seedSql = (): string => tasksSeedSql(TASKS, 'core');

type Op =
  | 'noD1'
  | 'oneRoundTrip'
  | 'proposeApprove'
  | 'approve50'
  | 'list'
  | 'get'
  | 'claim'
  | 'heartbeat'
  | 'report';

/** What each operation is called in the table, the figure its bar is on, and the bar. */
const OPS: { op: Op; name: string; bar?: { on: 'p50' | 'p95'; ms: number } }[] = [
  // Floors: what any request costs here before HQ's own work, to read the bars against.
  { op: 'noD1', name: 'floor, no D1 (unknown path, 404)' },
  { op: 'oneRoundTrip', name: 'floor, one D1 round trip (unknown runner token, 401)' },
  { op: 'proposeApprove', name: 'propose + approve, one-task mission', bar: { on: 'p50', ms: 10 } },
  { op: 'approve50', name: 'approve, 50-task mission' },
  { op: 'list', name: 'list 50 tasks', bar: { on: 'p95', ms: 10 } },
  { op: 'get', name: 'get one task', bar: { on: 'p95', ms: 10 } },
  { op: 'claim', name: 'claim (tasks waiting)', bar: { on: 'p50', ms: 5 } },
  { op: 'heartbeat', name: 'heartbeat', bar: { on: 'p50', ms: 3 } },
  { op: 'report', name: 'report' },
];

/**
 * Every operation of the core path, `lanes` at once: SAMPLES of each (APPROVALS for the
 * 50-task approvals), in the order work flows, so the claims find the tasks the approvals
 * dispatched and the heartbeats and reports go to the tasks just claimed.
 */
async function phase(
  ctx: BenchContext,
  path: CorePath,
  runners: Runner[],
  lanes: number,
  label: string,
  scale = 1,
) {
  const samples = Math.ceil(SAMPLES * scale);
  const approvals = Math.ceil(APPROVALS * scale);
  const step = async (
    op: Op,
    count: number,
    once: (lane: number, i: number) => Promise<Timing>,
  ) => {
    // The CEO's backlog from the step before is not this step's cost.
    await path.hq.ceoIdle();
    const cpuBefore = runtimeCpuMs(path.hq.pid, path.hq.url);
    const started = performance.now();
    const figures = await sample(count, lanes, once);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    // The passes the step's writes set off may run after its last answer: the CPU counts them.
    await path.hq.ceoIdle();
    ctx.log(
      `core path ${label}: ${op} ×${count} in ${seconds} s, worker p50 ${ms(figures.p50)} p95 ${ms(figures.p95)}; runtime CPU ${cpuEach(cpuBefore, runtimeCpuMs(path.hq.pid, path.hq.url), count)} each`,
    );
    return figures;
  };
  const seeded = (i: number) => `core-task-${(i * 7919 + label.length * 31) % TASKS}`;
  const claimed: string[][] = runners.map(() => []);
  const held = (lane: number, i: number) => {
    const id = claimed[lane]?.[Math.floor(i / lanes)];
    if (!id) throw new Error(`lane ${lane} holds no task ${i}`);
    return id;
  };
  const runner = (lane: number) => runners[lane] as Runner;
  const result: Record<Op, Figures> = {
    noD1: await step('noD1', samples, () => path.noD1()),
    oneRoundTrip: await step('oneRoundTrip', samples, () => path.oneRoundTrip()),
    proposeApprove: await step('proposeApprove', samples, (_, i) =>
      path.proposeApprove(`Core path ${label} one-task ${i}`),
    ).then((pairs) => {
      const halves = path.takeHalves();
      const [propose, approve] = [figures(halves.propose), figures(halves.approve)];
      ctx.log(
        `core path ${label}: proposeApprove halves, worker p50/p95: propose ${ms(propose.p50)}/${ms(propose.p95)}, approve ${ms(approve.p50)}/${ms(approve.p95)}`,
      );
      return pairs;
    }),
    approve50: await step('approve50', approvals, async (_, i) => {
      const { id } = await path.propose(`Core path ${label} fifty ${i}`, PER_MISSION);
      return path.approve(id);
    }),
    list: await step('list', samples, () => path.list()),
    get: await step('get', samples, (_, i) => path.get(seeded(i))),
    claim: await step('claim', samples, async (lane) => {
      const { taskId, ...timing } = await path.claim(runner(lane));
      claimed[lane]?.push(taskId);
      return timing;
    }),
    heartbeat: await step('heartbeat', samples, (lane, i) =>
      path.heartbeat(runner(lane), held(lane, i), 1 + (i % 9)),
    ),
    report: await step('report', samples, (lane, i) => path.report(runner(lane), held(lane, i))),
  };
  return result;
}

/**
 * Tasks created through 50-task missions, LANES at once: each lane proposes a mission and
 * approves it, again, until THROUGHPUT_MISSIONS are approved or THROUGHPUT_MS pass.
 */
async function throughput(path: CorePath) {
  const started = performance.now();
  let next = 0;
  let approved = 0;
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (next < THROUGHPUT_MISSIONS && performance.now() - started < THROUGHPUT_MS) {
        const i = next++;
        const { id } = await path.propose(`Core path throughput ${i}`, PER_MISSION);
        await path.approve(id);
        approved++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { tasks: approved * PER_MISSION, seconds, perSecond: (approved * PER_MISSION) / seconds };
}

/** The runtime's CPU per request (or pair) over a step, its followers' catch-up included. */
const cpuEach = (before: number | undefined, after: number | undefined, count: number) =>
  before === undefined || after === undefined ? '?' : ms((after - before) / count);

const bytesMib = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / 2 ** 20);

const describeMemory = (r: Resident) =>
  `runtime ${mib(r.runtime)}, proxy ${mib(r.proxy)} (workerd ${r.all.map((w) => `${w.pid} ${mib(w.mib)}`).join(', ')})`;

/**
 * The core path with 10,000 tasks in D1, on an HQ of its own (`ownHq` in suites.ts): an operator
 * proposes and approves, a viewer lists and opens tasks, runners claim, beat and report.
 * One at a time, then 8 at once (8 runners); p50 and p95 of the worker's own time
 * (Server-Timing app;dur) and of the wall time. Then the creation rate through 50-task
 * missions, and the resident memory of wrangler dev's workerd processes before and after.
 */
export async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const hq = await ctx.hq();
  const before = workerdResident(hq.pid, hq.url);
  ctx.log(`core path: workerd resident before: ${describeMemory(before)}`);
  // HQ's own live heap, through the runtime's inspector: only while wrangler's is off.
  const heap = hq.inspector ? undefined : await HqHeap.open(hq.pid, hq.url);
  const heapBefore = await heap?.live();
  const [admin, operator, viewer] = await Promise.all([
    hq.signIn('admin@hq.local'),
    hq.signIn('operator@hq.local'),
    hq.signIn('viewer@hq.local'),
  ]);
  const { total } = await viewer.json<{ total: number }>('/api/tasks/counts');
  if (total < TASKS) throw new Error(`expected ${TASKS} tasks, counted ${total}`);
  const path = new CorePath(hq, operator, viewer);
  const runners: Runner[] = [];
  for (let lane = 0; lane < LANES; lane++)
    runners.push(await path.runner(admin, `bench-core-${lane + 1}`));

  // Warm-up: the first requests compile routes and fill SQLite's page cache.
  await phase(ctx, path, runners, 1, 'warm-up', 0.1);
  const runs = await repeat(ctx.runs, async (run) => {
    const one = await phase(ctx, path, runners, 1, `run ${run + 1} one`);
    const eight = await phase(ctx, path, runners, LANES, `run ${run + 1} eight`);
    const line = (f: Record<Op, Figures>) =>
      OPS.map(({ op }) => `${op} ${ms(f[op].p50)}/${ms(f[op].p95)}`).join(', ');
    ctx.log(`core path run ${run + 1}, worker p50/p95, one at a time: ${line(one)}`);
    ctx.log(`core path run ${run + 1}, worker p50/p95, ${LANES} at once: ${line(eight)}`);
    // What each run leaves behind, to read a rise from run to run against.
    const { byStatus } = await viewer.json<{ byStatus: Record<string, number> }>(
      '/api/tasks/counts',
    );
    const left = Object.entries(byStatus).filter(([, n]) => n > 0);
    ctx.log(
      `core path run ${run + 1}: tasks by state after it: ${left.map(([s, n]) => `${s} ${n}`).join(', ')}`,
    );
    // Whether the runtime keeps growing with work or levels off: read it after every run.
    ctx.log(
      `core path run ${run + 1}: workerd resident after it: ${describeMemory(workerdResident(hq.pid, hq.url))}`,
    );
    return { one, eight };
  });
  const rate = await throughput(path);
  ctx.log(
    `core path throughput: ${rate.tasks} tasks in ${rate.seconds.toFixed(1)} s, ${rate.perSecond.toFixed(0)}/s`,
  );
  await hq.ceoIdle();
  const after = workerdResident(hq.pid, hq.url);
  ctx.log(`core path: workerd resident after: ${describeMemory(after)}`);
  // HQ's isolate as it stands (garbage included), then the runtime once that garbage is gone:
  // how much of the runtime's growth is HQ's heap.
  const standing = await heap?.usage();
  const others = heap ? await otherIsolateHeaps(hq.pid, hq.url) : [];
  ctx.log(
    `core path: the runtime's other isolates, V8 used/reserved: ${others.map((o) => `${o.title} ${mib(bytesMib(o.usedSize))}/${mib(bytesMib(o.totalSize))}`).join(', ') || 'none found'}`,
  );
  const heapAfter = await heap?.live();
  heap?.close();
  ctx.log(
    `core path: HQ's live heap before ${mib(bytesMib(heapBefore))}, after ${mib(bytesMib(heapAfter))}; before that collection HQ's isolate used ${mib(bytesMib(standing?.usedSize))} of ${mib(bytesMib(standing?.totalSize))} reserved, and the runtime after it: ${describeMemory(workerdResident(hq.pid, hq.url))}`,
  );
  const { total: end } = await viewer.json<{ total: number }>('/api/tasks/counts');

  const rows: BenchRow[] = [];
  for (const [lanes, pick] of [
    [1, (r: (typeof runs)[number]) => r.one],
    [LANES, (r: (typeof runs)[number]) => r.eight],
  ] as const) {
    const at = lanes === 1 ? 'one at a time' : `${lanes} at once`;
    for (const { op, name, bar } of OPS) {
      const f = medianFigures(runs.map((r) => pick(r)[op]));
      const on = bar?.on ?? 'p50';
      const value = f[on];
      const other = on === 'p50' ? `p95 ${ms(f.p95)}` : `p50 ${ms(f.p50)}`;
      rows.push({
        name: `Core path, ${at}: ${name}, ${on} (worker)`,
        value: ms(value),
        bar: bar ? `< ${bar.ms} ms` : '—',
        verdict: bar ? verdict(value < bar.ms) : '—',
        note: `${other}; wall p50 ${ms(f.wallP50)}, p95 ${ms(f.wallP95)} (${f.n} per run)`,
      });
    }
  }
  rows.push(
    {
      name: `Core path: tasks created through ${PER_MISSION}-task missions`,
      value: `${rate.perSecond.toFixed(0)}/s`,
      bar: `≥ ${BAR_TASKS_PER_S}/s`,
      verdict: verdict(rate.perSecond >= BAR_TASKS_PER_S),
      note: `propose + approve, ${LANES} at once: ${rate.tasks} tasks in ${rate.seconds.toFixed(1)} s (stops at ${THROUGHPUT_MISSIONS} missions or ${THROUGHPUT_MS / 1000} s)`,
    },
    {
      name: 'Resident memory of the runtime workerd, after',
      value: mib(after.runtime),
      bar: `< ${BAR_RUNTIME_MIB} MiB`,
      verdict: after.runtime === undefined ? 'MISS' : verdict(after.runtime < BAR_RUNTIME_MIB),
      note: `before ${mib(before.runtime)}; ${total.toLocaleString('en')} tasks at start, ${end.toLocaleString('en')} after`,
    },
    {
      name: `HQ's live heap (after a full collection), after`,
      value: mib(bytesMib(heapAfter)),
      bar: '—',
      verdict: '—',
      note: heap
        ? `before ${mib(bytesMib(heapBefore))}; V8's used size after a heap snapshot, through the runtime's inspector`
        : hq.inspector
          ? `not read: wrangler dev's inspector holds HQ's isolate (HQ_BENCH_INSPECTOR=on)`
          : `not read: the runtime's inspector was not found`,
    },
    {
      name: `Resident memory of wrangler's proxy workerd, after`,
      value: mib(after.proxy),
      bar: '—',
      verdict: '—',
      note: `before ${mib(before.proxy)}; wrangler's inspector ${hq.inspector ? 'on (HQ_BENCH_INSPECTOR=on)' : 'off, as npm start runs it'}`,
    },
  );
  return rows;
}
