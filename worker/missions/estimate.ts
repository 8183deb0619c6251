import type { TaskPlan } from '../../drizzle/schema';
import { agentSpentStatements, type Spent, spentFrom } from '../budgets/spent';
import { fitting } from '../tasks/eligibility';
import { costRange, type Range, sum } from './percentiles';

/** One planned task's likely cost, from what finished tasks like it cost before. */
export interface TaskEstimate extends Range {
  title: string;
  /** Whose history priced it: the agent it would go to, else agents of its role, else none. */
  basis: 'agent' | 'role' | 'none';
  /** The agent's slug, the role's name (`any worker` for an unhinted task), or null. */
  who: string | null;
}

export interface Estimate {
  tasks: TaskEstimate[];
  /** Sums over the tasks with history (null: none has any). */
  total: { medianUsd: number; lowUsd: number; highUsd: number } | null;
  /** Distinct past tasks behind the estimate. */
  pastTasks: number;
  noHistory: string[];
  budgetUsd: number | null;
  agents: { slug: string; remainingMonthlyUsd: number | null }[];
  warnings: string[];
}

interface Candidate {
  id: string;
  slug: string;
  role: string;
  type: string;
  monthlyBudgetUsd: number | null;
}

interface Sample {
  taskId: string;
  agentId: string;
  usd: number;
}

const ANY_WORKER = 'any worker';
/** Enough history to be representative without reading every task an agent ever did. */
const MAX_SAMPLES_PER_AGENT = 200;
/** Dollars to the cent, but a cheap task's fraction of a cent is not shown as $0.00. */
export const usd = (n: number) => `$${n > 0 && n < 0.01 ? n.toPrecision(2) : n.toFixed(2)}`;

/**
 * The finished tasks (DONE or FAILED) of these agents with a known cost, newest first. A
 * task's cost is every ledger row with its task id, reviews included, as missionSpent counts
 * a mission's spend: so the estimate compares like for like with the mission's budget. A task
 * with any row of unknown cost, or no row at all, is no sample: its true cost is not known.
 */
function samplesStatement(db: D1Database, agentIds: string[]): D1PreparedStatement {
  return db
    .prepare(
      `SELECT taskId, agentId, usd FROM (
         SELECT t.id AS taskId, t.agent_id AS agentId, sum(s.cost_usd) AS usd,
           row_number() OVER (PARTITION BY t.agent_id ORDER BY t.finished_at DESC) AS n
         FROM tasks t JOIN spend_ledger s ON s.task_id = t.id
         WHERE t.status IN ('DONE', 'FAILED') AND t.agent_id IN (SELECT value FROM json_each(?1))
         GROUP BY t.id HAVING count(*) = count(s.cost_usd))
       WHERE n <= ?2`,
    )
    .bind(JSON.stringify(agentIds), MAX_SAMPLES_PER_AGENT);
}

/** The agents a plan can go to. */
const rosterStatement = (db: D1Database): D1PreparedStatement =>
  db.prepare(
    `SELECT id, slug, role, type, monthly_budget_usd AS monthlyBudgetUsd FROM agents
     WHERE archived_at IS NULL ORDER BY slug`,
  );

/** The samples of `agentIds` and the spend this month of each of `budgeted`, in one batch. */
async function readHistory(
  db: D1Database,
  agentIds: string[],
  budgeted: Candidate[],
  now: number,
): Promise<{ samples: Sample[]; spent: Map<string, Spent> }> {
  const [samples, ...spent] = await db.batch([
    samplesStatement(db, agentIds),
    ...budgeted.flatMap((a) => agentSpentStatements(db, a.id, now)),
  ]);
  return {
    samples: (samples?.results ?? []) as Sample[],
    spent: new Map(budgeted.map((a, i) => [a.id, spentFrom(spent[2 * i], spent[2 * i + 1])])),
  };
}

/** Who a planned task would likely go to, and whose history to price it by. */
function basisOf(task: TaskPlan, roster: Candidate[]) {
  const wants = {
    status: 'PENDING',
    agent_id: null,
    agent_hint: task.agentHint ?? null,
    role_hint: task.roleHint ?? null,
  };
  // Dispatch's own rule (hinted agent, else the role's agents, else the workers).
  const likely = fitting(wants, roster);
  const hinted = task.agentHint ? likely[0] : undefined;
  const role = hinted?.role ?? task.roleHint ?? null;
  // A hint naming no agent on the roster is never dispatched: nobody's history applies.
  const peers = role
    ? roster.filter((a) => a.role.toLowerCase() === role.toLowerCase())
    : task.agentHint
      ? []
      : roster.filter((a) => a.type === 'WORKER');
  // The one agent it would go to, when there is one: it is charged against that agent's budget.
  const agent = hinted ?? (likely.length === 1 ? likely[0] : undefined);
  return { agent, peers, roleName: role ?? ANY_WORKER };
}

/**
 * What a mission's plan will likely cost, task by task, from the past cost of finished tasks
 * by the agent each would go to (else by agents of its role), and what that means for the
 * mission's budget and its agents' money left this month.
 */
async function estimatePlan(
  env: Env,
  mission: { plan: TaskPlan[]; budgetUsd: number | null },
  now: number,
  roster: Candidate[],
): Promise<Estimate> {
  const bases = mission.plan.map((task) => ({ task, ...basisOf(task, roster) }));
  const involved = [...new Set(bases.flatMap((b) => [b.agent, ...b.peers]).filter(Boolean))];
  const likelyAgents = [...new Set(bases.map((b) => b.agent).filter((a) => a !== undefined))];
  // The samples and the likely agents' spend in one round trip.
  const read = await readHistory(
    env.DB,
    involved.map((a) => (a as Candidate).id),
    likelyAgents.filter((a) => a.monthlyBudgetUsd !== null),
    now,
  );
  const used = new Set<string>();
  const charged = new Map<string, number>();
  const tasks: TaskEstimate[] = bases.map(({ task, agent, peers, roleName }) => {
    const own = agent ? read.samples.filter((s) => s.agentId === agent.id) : [];
    const peerIds = new Set(peers.map((p) => p.id));
    const pool = own.length ? own : read.samples.filter((s) => peerIds.has(s.agentId));
    for (const s of pool) used.add(s.taskId);
    const range = costRange(pool.map((s) => s.usd));
    if (agent && range.medianUsd !== null)
      charged.set(agent.slug, (charged.get(agent.slug) ?? 0) + range.medianUsd);
    const basis = own.length ? 'agent' : pool.length ? 'role' : 'none';
    const who = basis === 'agent' ? (agent?.slug ?? null) : basis === 'role' ? roleName : null;
    return { title: task.title, basis, who, ...range };
  });
  const priced = tasks.filter((t) => t.medianUsd !== null);
  const total = priced.length
    ? {
        medianUsd: sum(priced.map((t) => t.medianUsd ?? 0)),
        lowUsd: sum(priced.map((t) => t.lowUsd ?? 0)),
        highUsd: sum(priced.map((t) => t.highUsd ?? 0)),
      }
    : null;
  const agents = likelyAgents.map((a) => ({
    slug: a.slug,
    remainingMonthlyUsd:
      a.monthlyBudgetUsd === null ? null : a.monthlyBudgetUsd - (read.spent.get(a.id)?.usd ?? 0),
  }));
  const warnings: string[] = [];
  if (total && mission.budgetUsd !== null && total.medianUsd > mission.budgetUsd)
    warnings.push(
      `the estimate ${usd(total.medianUsd)} exceeds the mission's budget ${usd(mission.budgetUsd)}`,
    );
  for (const a of agents) {
    const share = charged.get(a.slug);
    if (share !== undefined && a.remainingMonthlyUsd !== null && share > a.remainingMonthlyUsd)
      warnings.push(
        `the estimate ${usd(share)} for its tasks exceeds what agent ${a.slug} has left this month (${usd(Math.max(0, a.remainingMonthlyUsd))})`,
      );
  }
  return {
    tasks,
    total,
    pastTasks: used.size,
    noHistory: tasks.filter((t) => t.medianUsd === null).map((t) => t.title),
    budgetUsd: mission.budgetUsd,
    agents,
    warnings,
  };
}

/**
 * A mission's plan with its estimate (null: no such mission): the mission and the roster in
 * one round trip, the samples and the agents' spend in a second.
 */
export async function missionEstimate(
  env: Env,
  missionId: string,
  now: number,
): Promise<{ plan: TaskPlan[]; estimate: Estimate } | null> {
  const [roster, mission] = await env.DB.batch(missionEstimateReads(env.DB, [missionId]));
  return estimateFrom(env, roster, mission, now);
}

/**
 * missionEstimate's first round trip as statements for a caller's own batch, for any number
 * of missions (a CEO run's proposals): the roster, then each mission's plan and budget.
 */
export function missionEstimateReads(db: D1Database, missionIds: string[]): D1PreparedStatement[] {
  const plan = db.prepare('SELECT plan, budget_usd AS budgetUsd FROM missions WHERE id = ?');
  return [rosterStatement(db), ...missionIds.map((id) => plan.bind(id))];
}

/** missionEstimate from missionEstimateReads' roster and one mission's result: one round trip. */
export async function estimateFrom(
  env: Env,
  roster: D1Result | undefined,
  mission: D1Result | undefined,
  now: number,
): Promise<{ plan: TaskPlan[]; estimate: Estimate } | null> {
  const row = mission?.results[0] as { plan: string; budgetUsd: number | null } | undefined;
  if (!row) return null;
  const plan = JSON.parse(row.plan) as TaskPlan[];
  const agents = (roster?.results ?? []) as Candidate[];
  return {
    plan,
    estimate: await estimatePlan(env, { plan, budgetUsd: row.budgetUsd }, now, agents),
  };
}
