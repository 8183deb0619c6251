import { type Budgets, checkRun, type RunUsage } from '../budgets/in-flight';
import { knownCost, type Price } from '../prices/price';
import { diskStatement } from './disk';
import type { Disk } from './wire';

export interface Beat {
  phase?: string | undefined;
  progress?: number | undefined;
  logTail?: string | undefined;
  lastLine?: string | undefined;
  usage?: (RunUsage & { provider?: string | undefined; model?: string | undefined }) | undefined;
  disk?: Disk | undefined;
}

interface Held extends Budgets {
  id: string;
  agentId: string | null;
  missionId: string;
  inputPerMillionUsd: number | null;
  outputPerMillionUsd: number | null;
}

/**
 * Records one heartbeat of a task this runner holds in RUNNING (null when it holds no such
 * task) with the run's use so far, priced when the CLI reports no money, and checks the
 * budgets. Past a budget the answer says stop: a runner that ignores the remaining figures
 * is still told, on every beat, until it stops and reports.
 *
 * The task, its budgets and the price of what it runs on come in one read: a beat arrives
 * every few seconds per running task, so its round trips are on the core path (`npm run bench`).
 */
export async function recordBeat(env: Env, taskId: string, runnerId: string, beat: Beat) {
  const now = Date.now();
  const usage = beat.usage;
  // Priced under what the CLI reports, else what the agent is configured with (as the report).
  const held = await env.DB.prepare(
    `SELECT t.id, t.agent_id AS agentId, t.mission_id AS missionId,
       a.slug, a.monthly_budget_usd AS agentUsd, a.monthly_budget_tokens AS agentTokens,
       m.title, m.budget_usd AS missionUsd, m.budget_tokens AS missionTokens,
       p.input_per_million_usd AS inputPerMillionUsd, p.output_per_million_usd AS outputPerMillionUsd
     FROM tasks t JOIN missions m ON m.id = t.mission_id LEFT JOIN agents a ON a.id = t.agent_id
     LEFT JOIN prices p ON p.provider = coalesce(?3, a.provider, 'none')
       AND p.model = coalesce(?4, a.model, 'none')
     WHERE t.id = ?1 AND t.runner_id = ?2 AND t.status = 'RUNNING'`,
  )
    .bind(taskId, runnerId, usage?.provider ?? null, usage?.model ?? null)
    .first<Held>();
  if (!held) return null;
  const price: Price | null =
    held.inputPerMillionUsd === null || held.outputPerMillionUsd === null
      ? null
      : {
          inputPerMillionUsd: held.inputPerMillionUsd,
          outputPerMillionUsd: held.outputPerMillionUsd,
        };
  const priced = usage
    ? {
        costUsd: knownCost(usage.costUsd, usage.inputTokens, usage.outputTokens, price).costUsd,
        price,
      }
    : { costUsd: null, price: null };
  const result = await env.DB.prepare(
    `UPDATE tasks SET last_heartbeat_at = ?, phase = coalesce(?, phase), progress = coalesce(?, progress),
     log_tail = coalesce(?, log_tail), last_line = coalesce(?, last_line), updated_at = ?,
     run_input_tokens = CASE WHEN ? THEN ? ELSE run_input_tokens END,
     run_output_tokens = CASE WHEN ? THEN ? ELSE run_output_tokens END,
     run_cost_usd = CASE WHEN ? THEN ? ELSE run_cost_usd END
     WHERE id = ? AND runner_id = ? AND status = 'RUNNING'`,
  )
    .bind(
      now,
      beat.phase ?? null,
      beat.progress ?? null,
      beat.logTail ?? null,
      beat.lastLine ?? null,
      now,
      ...[usage?.inputTokens, usage?.outputTokens, priced.costUsd].flatMap((value) => [
        usage ? 1 : 0,
        value ?? null,
      ]),
      taskId,
      runnerId,
    )
    .run();
  if (result.meta.changes !== 1) return null;
  // Only with a beat that counted: a refused beat (409) writes nothing.
  if (beat.disk) await diskStatement(env.DB, runnerId, beat.disk, now).run();
  const tokens = (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
  const verdict = await checkRun(env, held, { tokens, costUsd: priced.costUsd }, now, held);
  return {
    status: 'RUNNING' as const,
    remaining: verdict.remaining,
    runCostUsd: priced.costUsd,
    price: priced.price,
    ...(verdict.stop ? { stop: 'budget' as const, stopReason: `budget: ${verdict.stop}` } : {}),
  };
}
