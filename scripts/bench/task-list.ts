import { median, ms, percentile, repeat, serverMs, verdict } from './stats';
import type { BenchContext, BenchRow } from './types';

const TASKS = 10_000;
const PER_MISSION = 50;
const REQUESTS = 100;
const BAR_P95_MS = 25;
const DAY_MS = 86_400_000;
// No PENDING or CHANGES_REQUESTED: dispatch would hand those to agents on the next approval
// and flood the other suites with task moves.
const STATUSES = ['DONE', 'DONE', 'DONE', 'DONE', 'FAILED', 'CANCELLED', 'REVIEW', 'REVIEW'];

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * 10,000 tasks in 200 approved missions, created over the last 30 days, as SQL for
 * `wrangler d1 execute` (multi-row inserts: loading takes seconds, not the API's minutes).
 */
export function seedSql(): string {
  const now = Date.now();
  const lines: string[] = [];
  const missions: string[] = [];
  const rows: string[] = [];
  for (let m = 0; m < TASKS / PER_MISSION; m++) {
    const missionId = `bench-mission-${m}`;
    const created = now - 30 * DAY_MS + m * ((30 * DAY_MS) / (TASKS / PER_MISSION));
    missions.push(
      `(${quote(missionId)}, ${quote(`Bench mission ${m}`)}, 'Seeded for npm run bench.', 'demo/storefront', 'APPROVED', 'bench@hq.local', 'bench@hq.local', ${created}, '[]', ${created}, ${created})`,
    );
    for (let t = 0; t < PER_MISSION; t++) {
      const n = m * PER_MISSION + t;
      const status = STATUSES[n % STATUSES.length] ?? 'DONE';
      const at = created + t * 1000;
      rows.push(
        `(${quote(`bench-task-${n}`)}, ${quote(missionId)}, ${quote(`Bench task ${n}`)}, ${quote(`Change src/module-${n % 97}.ts so that it does thing ${n}.`)}, '["src/**"]', ${quote(status)}, ${at}, ${at})`,
      );
    }
  }
  lines.push(
    `INSERT INTO missions (id, title, brief, repository, status, proposed_by, decided_by, decided_at, plan, created_at, updated_at) VALUES\n${missions.join(',\n')};`,
  );
  // SQLite caps compound statements; a few hundred rows per INSERT stays well under.
  for (let i = 0; i < rows.length; i += 500) {
    lines.push(
      `INSERT INTO tasks (id, mission_id, title, spec, expected_scope, status, created_at, updated_at) VALUES\n${rows.slice(i, i + 500).join(',\n')};`,
    );
  }
  return lines.join('\n');
}

/** `REQUESTS` sequential GETs: worker time (Server-Timing) and wall-clock of each. */
async function sample(call: () => Promise<Response>) {
  const server: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const response = await call();
    await response.arrayBuffer();
    wall.push(performance.now() - started);
    if (!response.ok) throw new Error(`${response.url}: ${response.status}`);
    server.push(serverMs(response));
  }
  return { server: percentile(server, 0.95), wall: percentile(wall, 0.95) };
}

/**
 * The task list (GET /api/tasks: newest first, a page of 100) with 10,000 tasks in D1, signed
 * in as a viewer, beside GET /api/health on the same worker. Requests are sequential: this is
 * latency, not throughput.
 */
export async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const hq = await ctx.hq();
  const viewer = await hq.signIn('viewer@hq.local');
  const page = await viewer.json<{ items: unknown[] }>('/api/tasks');
  if (page.items.length !== 100)
    throw new Error(`expected a page of 100, got ${page.items.length}`);
  // Warm-up: first requests compile routes and fill SQLite's page cache.
  await sample(() => viewer.call('/api/tasks'));

  const runs = await repeat(ctx.runs, async (run) => {
    const list = await sample(() => viewer.call('/api/tasks'));
    const health = await sample(() => fetch(`${hq.url}/api/health`));
    ctx.log(
      `task list run ${run + 1}: p95 worker ${ms(list.server)} wall ${ms(list.wall)}; health p95 worker ${ms(health.server)} wall ${ms(health.wall)}`,
    );
    return { list, health };
  });
  const listServer = median(runs.map((r) => r.list.server));
  const listWall = median(runs.map((r) => r.list.wall));
  const healthServer = median(runs.map((r) => r.health.server));
  const healthWall = median(runs.map((r) => r.health.wall));
  return [
    {
      name: `Task list, ${TASKS.toLocaleString('en')} tasks in D1: p95 (worker)`,
      value: ms(listServer),
      bar: `< ${BAR_P95_MS} ms`,
      verdict: verdict(listServer < BAR_P95_MS),
      note: `GET /api/tasks, page of 100; wall p95 ${ms(listWall)}`,
    },
    {
      name: 'Task list p95 ÷ GET /api/health p95 (wall)',
      value: `${(listWall / healthWall).toFixed(1)}×`,
      bar: '—',
      verdict: '—',
      note: `health p95: wall ${ms(healthWall)}, worker ${ms(healthServer)}`,
    },
  ];
}
