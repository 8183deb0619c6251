import { median, ms, percentile, repeat, serverMs, verdict } from './stats';
import type { BenchContext, BenchRow } from './types';

const TASKS = 100_000;
const PER_MISSION = 50;
/** Rows per INSERT: each statement stays small for `wrangler d1 execute`. */
const CHUNK = 5_000;
const REQUESTS = 100;
const BAR_P95_MS = 25;
const DAY_MS = 86_400_000;
/** The board's page size (web/src/tasks/Board.tsx): one request per column. */
const BOARD_PAGE = 50;
// No PENDING or CHANGES_REQUESTED: dispatch would hand those to agents on the next approval
// and flood the other suites with task moves.
const STATUSES = ['DONE', 'DONE', 'DONE', 'DONE', 'FAILED', 'CANCELLED', 'REVIEW', 'REVIEW'];
const COLUMNS = [
  'PENDING',
  'ASSIGNED',
  'RUNNING',
  'REVIEW',
  'CHANGES_REQUESTED',
  'DONE',
  'FAILED',
  'CANCELLED',
];

/** 100,000 tasks in 2,000 approved missions: this suite's seed. */
export const seedSql = (): string => tasksSeedSql(TASKS, 'bench');

/**
 * `tasks` finished or in-review tasks in approved missions of 50, created over the last 30
 * days, as SQL for `wrangler d1 execute`; ids start with `prefix` (`<prefix>-task-<n>`), so
 * suites that each seed their own never collide. SQLite makes the rows itself (a recursive
 * count, 5,000 rows per statement): the file stays a few kilobytes and loads in seconds,
 * where 100,000 literal rows would be tens of megabytes.
 */
export function tasksSeedSql(tasks: number, prefix: string): string {
  const missions = Math.ceil(tasks / PER_MISSION);
  const start = Date.now() - 30 * DAY_MS;
  const spacing = Math.floor((30 * DAY_MS) / missions);
  const count = (from: number, to: number) =>
    `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to - 1})`;
  const status = `CASE i % ${STATUSES.length} ${STATUSES.map((s, k) => `WHEN ${k} THEN '${s}'`).join(' ')} END`;
  const lines = [
    `INSERT INTO missions (id, title, brief, repository, status, proposed_by, decided_by, decided_at, plan, created_at, updated_at)
     ${count(0, missions)}
     SELECT '${prefix}-mission-' || i, 'Bench mission ' || i, 'Seeded for npm run bench.', 'demo/storefront',
            'APPROVED', 'bench@hq.local', 'bench@hq.local', ${start} + i * ${spacing}, '[]',
            ${start} + i * ${spacing}, ${start} + i * ${spacing}
       FROM n;`,
  ];
  for (let from = 0; from < tasks; from += CHUNK) {
    const at = `(${start} + (i / ${PER_MISSION}) * ${spacing} + (i % ${PER_MISSION}) * 1000)`;
    lines.push(
      `INSERT INTO tasks (id, mission_id, title, spec, expected_scope, status, created_at, updated_at)
       ${count(from, Math.min(tasks, from + CHUNK))}
       SELECT '${prefix}-task-' || i, '${prefix}-mission-' || (i / ${PER_MISSION}), 'Bench task ' || i,
              'Change src/module-' || (i % 97) || '.ts so that it does thing ' || i || '.',
              '["src/**"]', ${status}, ${at}, ${at}
         FROM n;`,
    );
  }
  return lines.join('\n');
}

/** `REQUESTS` sequential GETs: worker time (Server-Timing) and wall-clock of each. */
async function sample(call: (i: number) => Promise<Response>) {
  const server: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const response = await call(i);
    await response.arrayBuffer();
    wall.push(performance.now() - started);
    if (!response.ok) throw new Error(`${response.url}: ${response.status}`);
    server.push(serverMs(response));
  }
  return { server: percentile(server, 0.95), wall: percentile(wall, 0.95) };
}

/**
 * The task list with 100,000 tasks in D1, signed in as a viewer: GET /api/tasks (newest first,
 * a page of 100); the board's first page as the board asks for it (one column of 50, each
 * state in turn); the board's counts; and GET /api/health on the same worker. Requests are
 * sequential: this is latency, not throughput.
 */
export async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const hq = await ctx.hq();
  const viewer = await hq.signIn('viewer@hq.local');
  const page = await viewer.json<{ items: unknown[] }>('/api/tasks');
  if (page.items.length !== 100)
    throw new Error(`expected a page of 100, got ${page.items.length}`);
  const counted = await viewer.json<{ total: number }>('/api/tasks/counts');
  if (counted.total < TASKS) throw new Error(`expected ${TASKS} tasks, counted ${counted.total}`);
  const column = (i: number) =>
    viewer.call(`/api/tasks?status=${COLUMNS[i % COLUMNS.length]}&limit=${BOARD_PAGE}`);
  const counts = () => viewer.call('/api/tasks/counts');
  // Warm-up: first requests compile routes and fill SQLite's page cache.
  await sample(() => viewer.call('/api/tasks'));
  await sample(column);
  await sample(counts);

  const runs = await repeat(ctx.runs, async (run) => {
    const list = await sample(() => viewer.call('/api/tasks'));
    const board = await sample(column);
    const count = await sample(counts);
    const health = await sample(() => fetch(`${hq.url}/api/health`));
    ctx.log(
      `task list run ${run + 1}: p95 worker list ${ms(list.server)}, board column ${ms(board.server)}, counts ${ms(count.server)}; health p95 worker ${ms(health.server)} wall ${ms(health.wall)}`,
    );
    return { list, board, count, health };
  });
  const med = (pick: (r: (typeof runs)[number]) => number) => median(runs.map(pick));
  const tasks = TASKS.toLocaleString('en');
  const row = (name: string, value: number, note: string): BenchRow => ({
    name,
    value: ms(value),
    bar: `< ${BAR_P95_MS} ms`,
    verdict: verdict(value < BAR_P95_MS),
    note,
  });
  return [
    row(
      `Task list, ${tasks} tasks in D1: p95 (worker)`,
      med((r) => r.list.server),
      `GET /api/tasks, page of 100; wall p95 ${ms(med((r) => r.list.wall))}`,
    ),
    row(
      `Task board first page, ${tasks} tasks: p95 (worker)`,
      med((r) => r.board.server),
      `GET /api/tasks?status=…&limit=${BOARD_PAGE}, each column in turn; wall p95 ${ms(med((r) => r.board.wall))}`,
    ),
    row(
      `Task board counts, ${tasks} tasks: p95 (worker)`,
      med((r) => r.count.server),
      `GET /api/tasks/counts; wall p95 ${ms(med((r) => r.count.wall))}`,
    ),
    {
      name: 'Task list p95 ÷ GET /api/health p95 (wall)',
      value: `${(med((r) => r.list.wall) / med((r) => r.health.wall)).toFixed(1)}×`,
      bar: '—',
      verdict: '—',
      note: `health p95: wall ${ms(med((r) => r.health.wall))}, worker ${ms(med((r) => r.health.server))}`,
    },
  ];
}
