import { type Budgets, judgeRun, type RunUsage } from '../budgets/in-flight';
import { monthStart, type SpendFigures, spendColumns, spendsOf } from '../budgets/spent';
import type { Price } from '../prices/price';
import { diskStatement } from './disk';
import { liveRunnerSql, runnerStatements } from './guard';
import type { Disk } from './wire';

export interface Beat {
  phase?: string | undefined;
  progress?: number | undefined;
  logTail?: string | undefined;
  lastLine?: string | undefined;
  usage?: (RunUsage & { provider?: string | undefined; model?: string | undefined }) | undefined;
  disk?: Disk | undefined;
}

interface Held extends Budgets, SpendFigures {
  missionId: string;
  runCostUsd: number | null;
  inputPerMillionUsd: number | null;
  outputPerMillionUsd: number | null;
}

// The price of what a run reports under, else of what its agent is configured with (as the
// report prices it): over a task `t` (`tasks` in the update) with parameters ?3 provider, ?4 model.
const agentOf = (column: string, task: string) =>
  `(SELECT ${column} FROM agents WHERE id = ${task}.agent_id)`;
const priceWhere = (task: string) =>
  `p.provider = coalesce(?3, ${agentOf('provider', task)}, 'none')
   AND p.model = coalesce(?4, ${agentOf('model', task)}, 'none')`;

/**
 * Records one heartbeat of a task this runner holds in RUNNING (null when it holds no such
 * task) with the run's use so far, priced when the CLI reports no money, and checks the
 * budgets. Past a budget the answer says stop: a runner that ignores the remaining figures
 * is still told, on every beat, until it stops and reports.
 *
 * One batch, one round trip (a beat arrives every few seconds per running task, so it is on
 * the core path, `npm run bench`): the runner the token names (its row, and its contact time),
 * the update, which prices the run in SQL as `knownCost` does; the runner's disk, written only
 * if the beat counted; then the task as recorded with its budgets, the price used and the
 * spend its budgets are checked against. Every write names the runner as the live holder of
 * `tokenHash`, so an unknown or revoked token writes nothing (`runner` is then undefined).
 */
export async function recordBeat(env: Env, taskId: string, tokenHash: string, beat: Beat) {
  const now = Date.now();
  const usage = beat.usage;
  const db = env.DB;
  const params = [taskId, tokenHash, usage?.provider ?? null, usage?.model ?? null];
  const runner = liveRunnerSql('?2');
  const [found, , result, ...rest] = await db.batch<Held>([
    ...runnerStatements(db, tokenHash, now),
    // The CLI's money, else both token counts at the price (a null count or no price: null,
    // never half the tokens priced), else unknown: priceTokens and knownCost, in SQL.
    db
      .prepare(
        `UPDATE tasks SET last_heartbeat_at = ?5, phase = coalesce(?6, phase),
         progress = coalesce(?7, progress), log_tail = coalesce(?8, log_tail),
         last_line = coalesce(?9, last_line), updated_at = ?5,
         run_input_tokens = CASE WHEN ?10 THEN ?11 ELSE run_input_tokens END,
         run_output_tokens = CASE WHEN ?10 THEN ?12 ELSE run_output_tokens END,
         run_cost_usd = CASE WHEN ?10 THEN coalesce(?13,
           (SELECT (?11 * p.input_per_million_usd + ?12 * p.output_per_million_usd) / 1000000.0
            FROM prices p WHERE ${priceWhere('tasks')})) ELSE run_cost_usd END
         WHERE id = ?1 AND runner_id = ${runner} AND status = 'RUNNING'`,
      )
      .bind(
        ...params,
        now,
        beat.phase ?? null,
        beat.progress ?? null,
        beat.logTail ?? null,
        beat.lastLine ?? null,
        usage ? 1 : 0,
        usage?.inputTokens ?? null,
        usage?.outputTokens ?? null,
        usage?.costUsd ?? null,
      ),
    // Only with a beat that counted: a refused beat (409) writes nothing.
    ...(beat.disk ? [diskStatement(db, { tokenHash }, beat.disk, now, taskId)] : []),
    db
      .prepare(
        `SELECT t.mission_id AS missionId, t.run_cost_usd AS runCostUsd,
           a.slug, a.monthly_budget_usd AS agentUsd, a.monthly_budget_tokens AS agentTokens,
           m.title, m.budget_usd AS missionUsd, m.budget_tokens AS missionTokens,
           p.input_per_million_usd AS inputPerMillionUsd, p.output_per_million_usd AS outputPerMillionUsd,
           ${spendColumns()}
         FROM tasks t JOIN missions m ON m.id = t.mission_id LEFT JOIN agents a ON a.id = t.agent_id
         LEFT JOIN prices p ON ${priceWhere('t')}
         LEFT JOIN agent_month_spend al ON al.agent_id = t.agent_id AND al.month_start = ?5
         LEFT JOIN mission_spend ml ON ml.mission_id = t.mission_id
         WHERE t.id = ?1 AND t.runner_id = ${runner} AND t.status = 'RUNNING'`,
      )
      .bind(...params, monthStart(now)),
  ]);
  const held = rest.at(-1)?.results[0];
  const answer = result?.meta.changes === 1 && held ? verdictOf(held, usage) : null;
  return { runner: found?.results[0] as Record<string, unknown> | undefined, answer };
}

/** The beat's answer from the task as recorded: the run's cost, its price, the budgets left. */
function verdictOf(held: Held, usage: Beat['usage']) {
  const price: Price | null =
    held.inputPerMillionUsd === null || held.outputPerMillionUsd === null
      ? null
      : {
          inputPerMillionUsd: held.inputPerMillionUsd,
          outputPerMillionUsd: held.outputPerMillionUsd,
        };
  // The cost as the update recorded it: this beat's (a beat without usage has none).
  const priced = usage ? { costUsd: held.runCostUsd, price } : { costUsd: null, price: null };
  const tokens = (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
  const verdict = judgeRun(held, held, spendsOf(held), { tokens, costUsd: priced.costUsd });
  return {
    status: 'RUNNING' as const,
    remaining: verdict.remaining,
    runCostUsd: priced.costUsd,
    price: priced.price,
    ...(verdict.stop ? { stop: 'budget' as const, stopReason: `budget: ${verdict.stop}` } : {}),
  };
}
