import { onDuty } from '../agents/duty';
import { readSettings } from '../settings/store';
import { markRunnerWaits } from './runner-waits';
import type { TaskStatus } from './state-machine';
import { moveTask } from './transition';

/** A sum over the finished runs of the mission `m` (the ledger knows tasks, not missions). */
const MISSION_SPENT = (sum: string) =>
  `SELECT ${sum} FROM spend_ledger s WHERE s.task_id IN (SELECT id FROM tasks WHERE mission_id = m.id)`;

interface Candidate {
  id: string;
  slug: string;
  type: string;
  role: string;
  schedule: string | null;
  load: number;
}

interface Waiting {
  id: string;
  status: TaskStatus;
  agent_id: string | null;
  agent_hint: string | null;
  role_hint: string | null;
}

/**
 * Agents that may take work now: enabled, not archived, not cooling down, and under their
 * monthly budgets, money and tokens (finished runs this month; a run in flight is checked by
 * its heartbeats), and on duty by their schedule in the company's time zone (as the office
 * shows them). `load` is how many tasks each already holds.
 */
async function candidates(db: D1Database, now: number, timeZone: string): Promise<Candidate[]> {
  const month = new Date(now);
  const monthStart = Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1);
  const { results } = await db
    .prepare(
      `SELECT a.id, a.slug, a.type, a.role, a.schedule,
        (SELECT count(*) FROM tasks t WHERE t.agent_id = a.id AND t.status IN ('ASSIGNED', 'RUNNING')) AS load
       FROM agents a
       WHERE a.archived_at IS NULL AND a.worker_enabled = 1
         AND (a.cooldown_until IS NULL OR a.cooldown_until <= ?1)
         AND (a.monthly_budget_usd IS NULL OR a.monthly_budget_usd >
              (SELECT coalesce(sum(s.cost_usd), 0) FROM spend_ledger s WHERE s.agent_id = a.id AND s.created_at >= ?2))
         AND (a.monthly_budget_tokens IS NULL OR a.monthly_budget_tokens >
              (SELECT coalesce(sum(coalesce(s.input_tokens, 0) + coalesce(s.output_tokens, 0)), 0)
               FROM spend_ledger s WHERE s.agent_id = a.id AND s.created_at >= ?2))`,
    )
    .bind(now, monthStart)
    .all<Candidate>();
  return results.filter((agent) => onDuty(agent.schedule, now, timeZone));
}

/** The agent for a task: its previous agent after a review, else the hint, else the least busy worker. */
function choose(task: Waiting, pool: Candidate[]): Candidate | undefined {
  if (task.status === 'CHANGES_REQUESTED' && task.agent_id)
    return pool.find((a) => a.id === task.agent_id);
  if (task.agent_hint) return pool.find((a) => a.slug === task.agent_hint);
  const fitting = task.role_hint
    ? pool.filter((a) => a.role.toLowerCase() === task.role_hint?.toLowerCase())
    : pool.filter((a) => a.type === 'WORKER');
  return fitting.sort((a, b) => a.load - b.load)[0];
}

/**
 * Assigns waiting tasks of approved missions to agents. Nothing moves while the global worker
 * switch is off. A task whose hinted agent cannot take work now stays waiting, and so does a
 * task of a mission whose budget (money or tokens) is spent. Then every assigned task whose
 * agent's preset no runner can run says so (runner-waits.ts).
 */
export async function dispatch(env: Env, now = Date.now()): Promise<number> {
  const assigned = await assign(env, now);
  await markRunnerWaits(env.DB, now);
  return assigned;
}

async function assign(env: Env, now: number): Promise<number> {
  const settings = await readSettings(env);
  if (!settings.workerSwitch) return 0;
  const db = env.DB;
  const { results: waiting } = await db
    .prepare(
      `SELECT t.id, t.status, t.agent_id, t.agent_hint, t.role_hint FROM tasks t
       JOIN missions m ON m.id = t.mission_id
       WHERE t.status IN ('PENDING', 'CHANGES_REQUESTED') AND m.status = 'APPROVED'
         AND (m.budget_usd IS NULL OR m.budget_usd > (${MISSION_SPENT('coalesce(sum(s.cost_usd), 0)')}))
         AND (m.budget_tokens IS NULL OR m.budget_tokens >
              (${MISSION_SPENT('coalesce(sum(coalesce(s.input_tokens, 0) + coalesce(s.output_tokens, 0)), 0)')}))
       ORDER BY t.created_at, t.id LIMIT 200`,
    )
    .all<Waiting>();
  if (!waiting.length) return 0;
  const pool = await candidates(db, now, settings.briefing.timeZone);
  let assigned = 0;
  for (const task of waiting) {
    const agent = choose(task, pool);
    if (!agent) continue;
    const moved = await moveTask(db, {
      taskId: task.id,
      from: task.status,
      to: 'ASSIGNED',
      actor: 'dispatcher',
      reason: `assigned to ${agent.slug}`,
      set: { agent_id: agent.id },
    });
    if (moved) {
      agent.load++;
      assigned++;
    }
  }
  return assigned;
}
