// Who may take a waiting task, as one definition: dispatch assigns by it and the "why is it
// stuck" gates (worker/tasks/why/) explain by it, so the two can never disagree.
import { onDuty } from '../clock/cron';
import type { TaskStatus } from './state-machine';

/**
 * A running sum of the finished runs of the mission `m` (`mission_spend`, kept by a trigger on
 * the ledger: migration 0023), so dispatch reads one row per mission instead of its ledger.
 */
const MISSION_SPENT = (column: 'cost_usd' | 'tokens') =>
  `SELECT coalesce((SELECT ${column} FROM mission_spend WHERE mission_id = m.id), 0)`;
const USD = 'cost_usd';
const TOKENS = 'tokens';

/** The mission `m`'s spend so far, as columns `spent_usd` and `spent_tokens`. */
export const MISSION_SPEND_COLUMNS = `(${MISSION_SPENT(USD)}) AS spent_usd, (${MISSION_SPENT(TOKENS)}) AS spent_tokens`;

/** True (SQL) while the mission `m` is under its budgets, money and tokens. */
export const MISSION_UNDER_BUDGET = `(m.budget_usd IS NULL OR m.budget_usd > (${MISSION_SPENT(USD)}))
  AND (m.budget_tokens IS NULL OR m.budget_tokens > (${MISSION_SPENT(TOKENS)}))`;

/** An agent with what decides whether it may take work now. */
export interface AgentFacts {
  id: string;
  slug: string;
  name: string;
  type: string;
  role: string;
  schedule: string | null;
  executor: string | null;
  worker_enabled: number;
  archived_at: number | null;
  cooldown_until: number | null;
  monthly_budget_usd: number | null;
  monthly_budget_tokens: number | null;
  /** Finished runs this calendar month (UTC); a run in flight is checked by its heartbeats. */
  spent_usd: number;
  spent_tokens: number;
  /** How many tasks it already holds (ASSIGNED or RUNNING). */
  load: number;
}

/** Every agent (archived ones too, so a hint naming one can say so) with its facts at `now`. */
export async function agentFacts(db: D1Database, now: number): Promise<AgentFacts[]> {
  const { results } = await agentFactsStatement(db, now).all<AgentFacts>();
  return results;
}

/** agentFacts as a statement, for a caller that reads it in its own batch. */
export function agentFactsStatement(db: D1Database, now: number): D1PreparedStatement {
  return db.prepare(agentFactsSql(now));
}

/**
 * agentFacts as SQL with no parameters, so Drizzle can put it in a batch as a raw query (a
 * raw query with parameters breaks Drizzle's D1 batch). The only value in it is the month's
 * start, an integer this function computes.
 */
export function agentFactsSql(now: number): string {
  const month = new Date(now);
  const monthStart = Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1);
  return `SELECT a.id, a.slug, a.name, a.type, a.role, a.schedule, a.executor, a.worker_enabled,
        a.archived_at, a.cooldown_until, a.monthly_budget_usd, a.monthly_budget_tokens,
        coalesce(s.cost_usd, 0) AS spent_usd, coalesce(s.tokens, 0) AS spent_tokens,
        (SELECT count(*) FROM tasks t WHERE t.agent_id = a.id AND t.status IN ('ASSIGNED', 'RUNNING')) AS load
       FROM agents a
       -- This month's running sum (migration 0023), not the ledger summed per dispatch.
       LEFT JOIN agent_month_spend s ON s.agent_id = a.id AND s.month_start = ${Math.trunc(monthStart)}
       ORDER BY a.slug`;
}

export type AgentBlock =
  | 'archived'
  | 'disabled'
  | 'cooldown'
  | 'budget_usd'
  | 'budget_tokens'
  | 'schedule';

/**
 * Why an agent may not take work at `now`, or null when it may: archived, disabled, cooling
 * down, at or over a monthly budget, or off duty by its schedule in the company's time zone
 * (as the office shows it).
 */
export function agentBlock(agent: AgentFacts, now: number, timeZone: string): AgentBlock | null {
  if (agent.archived_at !== null) return 'archived';
  if (!agent.worker_enabled) return 'disabled';
  if (agent.cooldown_until !== null && agent.cooldown_until > now) return 'cooldown';
  if (agent.monthly_budget_usd !== null && agent.monthly_budget_usd <= agent.spent_usd)
    return 'budget_usd';
  if (agent.monthly_budget_tokens !== null && agent.monthly_budget_tokens <= agent.spent_tokens)
    return 'budget_tokens';
  if (!onDuty(agent.schedule, now, timeZone)) return 'schedule';
  return null;
}

/** What a waiting task asks of its agent. */
export interface TaskWants {
  status: TaskStatus | string;
  agent_id: string | null;
  agent_hint: string | null;
  role_hint: string | null;
}

/**
 * The agents that fit a task, whether or not they may work now: its previous agent after a
 * review, else the hinted agent, else the agents of the hinted role, else the workers.
 */
export function fitting<A extends Pick<AgentFacts, 'id' | 'slug' | 'role' | 'type'>>(
  task: TaskWants,
  agents: A[],
): A[] {
  if (task.status === 'CHANGES_REQUESTED' && task.agent_id)
    return agents.filter((a) => a.id === task.agent_id);
  if (task.agent_hint) return agents.filter((a) => a.slug === task.agent_hint);
  if (task.role_hint) {
    const role = task.role_hint.toLowerCase();
    return agents.filter((a) => a.role.toLowerCase() === role);
  }
  return agents.filter((a) => a.type === 'WORKER');
}
