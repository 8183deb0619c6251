import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { SettingsValue } from '../settings/schema';
import { readSettings } from '../settings/store';
import { type Assignment, assignStatements } from './assign-moves';
import {
  type AgentFacts,
  agentBlock,
  agentFactsSql,
  agentFactsStatement,
  fitting,
  MISSION_UNDER_BUDGET,
} from './eligibility';
import { markRunnerWaits, runnerWaitsForTasks, runnerWaitsStatement } from './runner-waits';
import type { TaskStatus } from './state-machine';

/** A task waiting for an agent, as dispatch reads it. */
export interface Waiting {
  id: string;
  status: TaskStatus;
  agent_id: string | null;
  agent_hint: string | null;
  role_hint: string | null;
  created_at: number;
}

/** The agent for a task: the least busy of those that fit it (eligibility.ts `fitting`). */
function choose(task: Waiting, pool: AgentFacts[]): AgentFacts | undefined {
  return fitting(task, pool).sort((a, b) => a.load - b.load)[0];
}

const WAITING_LIMIT = 200;

/** The oldest WAITING_LIMIT tasks in `status` of approved missions under budget. */
const waitingIn = (status: 'PENDING' | 'CHANGES_REQUESTED') =>
  `SELECT * FROM (SELECT t.id, t.status, t.agent_id, t.agent_hint, t.role_hint, t.created_at
    FROM tasks t JOIN missions m ON m.id = t.mission_id
    WHERE t.status = '${status}' AND m.status = 'APPROVED' AND ${MISSION_UNDER_BUDGET}
    ORDER BY t.created_at, t.id LIMIT ${WAITING_LIMIT})`;

/**
 * Tasks of approved missions under budget that wait for an agent, oldest first. One query
 * per status, each walking the (status, created_at, id) index in order and stopping at its
 * limit, then merged. With both statuses in one IN, SQLite read and sorted every waiting
 * task, so each dispatch cost more as a backlog grew: in sqlite3, with 110,000 tasks of which
 * 5,500 wait, 12 ms of CPU (over 200 ms once ANALYZE had run) against about 1.5 ms this way.
 */
const WAITING_SQL = `SELECT id, status, agent_id, agent_hint, role_hint, created_at
  FROM (${waitingIn('PENDING')} UNION ALL ${waitingIn('CHANGES_REQUESTED')})
  ORDER BY created_at, id LIMIT ${WAITING_LIMIT}`;

/**
 * Assigns waiting tasks of approved missions to agents. Nothing moves while the global worker
 * switch is off. A task whose hinted agent cannot take work now stays waiting, and so does a
 * task of a mission whose budget (money or tokens) is spent. Then every assigned task whose
 * agent's preset no runner can run says so (runner-waits.ts).
 *
 * Two D1 round trips however many tasks move: the waiting tasks and the agents are read in one
 * batch, and every move (each guarded by the task's status, so a dispatch running at the same
 * time moves a task once) is written in one batch with the runner waits after them: three
 * statements for all the moves (assign-moves.ts). An approval of a 50-task mission made 50
 * round trips here before (`npm run bench`, core path); now it adds these reads to its own
 * batch, and its answer's reads to the moves' batch (`assign`), so it makes none of its own.
 * `settings`: the caller's read, when it has one.
 */
export async function dispatch(
  env: Env,
  now = Date.now(),
  settings?: SettingsValue,
): Promise<number> {
  const read = settings ?? (await readSettings(env));
  if (!read.workerSwitch) {
    await markRunnerWaits(env.DB, now);
    return 0;
  }
  const [waiting, agents] = await env.DB.batch(dispatchReads(env.DB, now));
  return (await assign(env, now, read, waiting?.results ?? [], agents?.results ?? [])).assigned;
}

/**
 * What dispatch reads, as statements: the waiting tasks, then every agent with its facts. A
 * caller with a batch of its own (an approval) appends them to it, one round trip fewer.
 */
export function dispatchReads(db: D1Database, now: number): D1PreparedStatement[] {
  return [db.prepare(WAITING_SQL), agentFactsStatement(db, now)];
}

/**
 * dispatchReads as Drizzle queries, for a Drizzle batch: the sign-in check's (an approval
 * reads them with the session) or decide's own with the settings.
 */
export function dispatchReadItems(db: Db, now: number) {
  return [
    db.all<Waiting>(sql.raw(WAITING_SQL)),
    db.all<AgentFacts>(sql.raw(agentFactsSql(now))),
  ] as const;
}

/**
 * The waiting tasks with `added` (tasks the caller's own batch creates, not yet written: an
 * approval's), in the order and up to the limit in which dispatch would have read them all.
 */
export function withAdded(waiting: Waiting[], added: Waiting[]): Waiting[] {
  const order = (a: Waiting, b: Waiting) =>
    a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...waiting, ...added].sort(order).slice(0, WAITING_LIMIT);
}

/**
 * Which waiting tasks go to which agents at `now`: each to the least busy agent that fits it
 * and may work now. Pure; `agents` get their loads counted up as tasks go to them.
 */
export function assignmentsFor(
  now: number,
  settings: SettingsValue,
  waiting: Waiting[],
  agents: AgentFacts[],
): Assignment[] {
  const pool = agents.filter((agent) => !agentBlock(agent, now, settings.briefing.timeZone));
  const assignments: Assignment[] = [];
  for (const task of waiting) {
    const agent = choose(task, pool);
    if (!agent) continue;
    agent.load++;
    assignments.push({
      taskId: task.id,
      from: task.status,
      agentId: agent.id,
      agentSlug: agent.slug,
    });
  }
  return assignments;
}

/**
 * Dispatch on the results of `dispatchReads`. `after`: the caller's reads, run at the end of
 * the moves' batch (an approval's answer, showing the tasks just assigned); their results
 * come back in `after`. `waits`: which ASSIGNED tasks have their runner waits marked again,
 * all of them or only those this dispatch moves (an approval: runner-waits.ts says why).
 */
export async function assign(
  env: Env,
  now: number,
  settings: SettingsValue,
  waiting: unknown[],
  agents: unknown[],
  after: D1PreparedStatement[] = [],
  waits: 'all' | 'moved' = 'all',
): Promise<{ assigned: number; after: D1Result<unknown>[] }> {
  const db = env.DB;
  if (!settings.workerSwitch) {
    const results = await db.batch([runnerWaitsStatement(db, now), ...after]);
    return { assigned: 0, after: results.slice(1) };
  }
  const assignments = assignmentsFor(now, settings, waiting as Waiting[], agents as AgentFacts[]);
  const moves = assignStatements(db, assignments, now);
  const marks = waitMarks(db, now, waits, assignments);
  const writes = [...moves, ...marks];
  // Nothing moved, nothing to mark and nothing to read: D1 refuses an empty batch.
  if (!writes.length && !after.length) return { assigned: 0, after: [] };
  const results = await db.batch([...writes, ...after]);
  // The moves' last statement is their update: it changed a row for each task that moved.
  const assigned = moves.length ? (results[moves.length - 1]?.meta.changes ?? 0) : 0;
  return { assigned, after: results.slice(writes.length) };
}

/** The runner waits a dispatch marks: on every ASSIGNED task, or on those it moves (if any). */
function waitMarks(
  db: D1Database,
  now: number,
  waits: 'all' | 'moved',
  assignments: Assignment[],
): D1PreparedStatement[] {
  if (waits === 'all') return [runnerWaitsStatement(db, now)];
  const moved = assignments.map((a) => a.taskId);
  return moved.length ? [runnerWaitsForTasks(db, now, moved)] : [];
}
