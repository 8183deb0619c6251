import { knownCost, type Price } from '../prices/price';
import { priceFor } from '../prices/store';
import type { SpentSums } from './spent';

/** What a run in flight has used so far, as its heartbeat says (null: unknown). */
export interface RunUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

/** What is left of each budget once this run's use so far is counted; null: no such budget. */
export interface Remaining {
  agentUsd: number | null;
  agentTokens: number | null;
  missionUsd: number | null;
  missionTokens: number | null;
}

export interface Verdict {
  remaining: Remaining;
  /** Why the run must stop (a budget is passed), or null. */
  stop: string | null;
}

/**
 * The run's cost so far as HQ counts it, with the price that made it: the CLI's own money,
 * else its tokens at the price table's price for what it reports under, else unknown.
 */
export async function priceRun(
  env: Env,
  usage: RunUsage,
  spendAs: { provider: string; model: string },
): Promise<{ costUsd: number | null; price: Price | null }> {
  const price = await priceFor(env, spendAs.provider, spendAs.model);
  const { costUsd } = knownCost(usage.costUsd, usage.inputTokens, usage.outputTokens, price);
  return { costUsd, price };
}

/** The budgets a run counts against (null: none set), with the names the stop reason uses. */
export interface Budgets {
  slug: string | null;
  agentUsd: number | null;
  agentTokens: number | null;
  title: string;
  missionUsd: number | null;
  missionTokens: number | null;
}

const usd = (n: number) => `$${n.toFixed(2)}`;
const count = (n: number) => `${n.toLocaleString('en-US')} tokens`;

/**
 * Checks a run in flight against its agent's monthly budgets and its mission's budgets, money
 * and tokens. Spent = the ledger + the other runs in flight (`spent`, as `agentSpent` and
 * `missionSpent` count them) + this run so far (`run`, already priced). A budget is passed
 * when spent goes over it (exactly at it is not yet over). Pure: the heartbeat reads the
 * figures in the batch that records the beat (worker/runners/heartbeat.ts).
 */
export function judgeRun(
  task: { missionId: string },
  budgets: Budgets | null,
  spent: { agent: SpentSums; mission: SpentSums },
  run: { tokens: number; costUsd: number | null },
): Verdict {
  const withRun = (sums: SpentSums) => ({
    usd: sums.usd + (run.costUsd ?? 0),
    tokens: sums.tokens + run.tokens,
  });
  const a = withRun(spent.agent);
  const m = withRun(spent.mission);
  const left = (budget: number | null | undefined, used: number) =>
    budget == null ? null : budget - used;
  const remaining: Remaining = {
    agentUsd: left(budgets?.agentUsd, a.usd),
    agentTokens: left(budgets?.agentTokens, a.tokens),
    missionUsd: left(budgets?.missionUsd, m.usd),
    missionTokens: left(budgets?.missionTokens, m.tokens),
  };
  const passed = (key: keyof Remaining) => (remaining[key] ?? 0) < 0;
  const agentName = budgets?.slug ?? 'the agent';
  const missionName = `mission "${budgets?.title ?? task.missionId}"`;
  const reasons = [
    passed('agentUsd') &&
      `${agentName}'s monthly budget of ${usd(budgets?.agentUsd ?? 0)} is spent (${usd(a.usd)} this month with this run)`,
    passed('agentTokens') &&
      `${agentName}'s monthly budget of ${count(budgets?.agentTokens ?? 0)} is spent (${count(a.tokens)} this month with this run)`,
    passed('missionUsd') &&
      `${missionName}'s budget of ${usd(budgets?.missionUsd ?? 0)} is spent (${usd(m.usd)} with this run)`,
    passed('missionTokens') &&
      `${missionName}'s budget of ${count(budgets?.missionTokens ?? 0)} is spent (${count(m.tokens)} with this run)`,
  ].filter((reason): reason is string => Boolean(reason));
  return { remaining, stop: reasons.length ? reasons.join('; ') : null };
}
