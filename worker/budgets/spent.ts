// What an agent and a mission have spent, as budgets count it: every finished run in the
// ledger (an agent's since the first of the month, UTC; a mission's since it began), plus
// what their other runs in flight have used so far by their last heartbeats. Money counts
// only what is known (reported or estimated from the price table); tokens are in and out.

export interface Spent {
  usd: number;
  tokens: number;
  /** Finished runs whose cost is unknown: their money is in no sum. */
  unknownCost: number;
}

/** Finished runs come from the ledger's running sums (migration 0023), one row each. */
const SUMS = 'cost_usd AS usd, tokens, unknown_cost AS unknownCost';
const FLIGHT_USD = 'coalesce(sum(run_cost_usd), 0)';
const FLIGHT_TOKENS =
  'coalesce(sum(coalesce(run_input_tokens, 0) + coalesce(run_output_tokens, 0)), 0)';
const FLIGHT = `${FLIGHT_USD} AS usd, ${FLIGHT_TOKENS} AS tokens`;

export const monthStart = (now: number) => {
  const day = new Date(now);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1);
};

type Row = { usd: number | null; tokens: number | null; unknownCost?: number | null };
/** A spend from its ledger sums and its runs in flight (null or missing: none). */
export const spentOf = (ledger: Row | null, flight: Row | null): Spent => ({
  usd: (ledger?.usd ?? 0) + (flight?.usd ?? 0),
  tokens: (ledger?.tokens ?? 0) + (flight?.tokens ?? 0),
  unknownCost: ledger?.unknownCost ?? 0,
});

/** The agent's spend this month, with its runs in flight other than `exceptTask`. */
export async function agentSpent(
  db: D1Database,
  agentId: string,
  now: number,
  exceptTask = '',
): Promise<Spent> {
  const [ledger, flight] = await db.batch<Row>(agentSpentStatements(db, agentId, now, exceptTask));
  return spentFrom(ledger, flight);
}

/** agentSpent's reads as statements, for a caller's own batch; `spentFrom` sums their results. */
export function agentSpentStatements(
  db: D1Database,
  agentId: string,
  now: number,
  exceptTask = '',
): D1PreparedStatement[] {
  return [
    db
      .prepare(`SELECT ${SUMS} FROM agent_month_spend WHERE agent_id = ? AND month_start = ?`)
      .bind(agentId, monthStart(now)),
    db
      .prepare(`SELECT ${FLIGHT} FROM tasks WHERE agent_id = ? AND status = 'RUNNING' AND id <> ?`)
      .bind(agentId, exceptTask),
  ];
}

/** The mission's spend so far, with its runs in flight other than `exceptTask`. */
export async function missionSpent(
  db: D1Database,
  missionId: string,
  exceptTask = '',
): Promise<Spent> {
  const [ledger, flight] = await db.batch<Row>(missionSpentStatements(db, missionId, exceptTask));
  return spentFrom(ledger, flight);
}

/**
 * missionSpent's reads as statements, for a caller that adds them to its own batch (an
 * approval answers with the spend read after its writes); `spentFrom` sums their results.
 */
export function missionSpentStatements(
  db: D1Database,
  missionId: string,
  exceptTask = '',
): D1PreparedStatement[] {
  return [
    db.prepare(`SELECT ${SUMS} FROM mission_spend WHERE mission_id = ?`).bind(missionId),
    db
      .prepare(
        `SELECT ${FLIGHT} FROM tasks WHERE mission_id = ? AND status = 'RUNNING' AND id <> ?`,
      )
      .bind(missionId, exceptTask),
  ];
}

/** The spend from the results of `missionSpentStatements`, in their order. */
export const spentFrom = (ledger?: D1Result<unknown>, flight?: D1Result<unknown>): Spent =>
  spentOf((ledger?.results[0] as Row) ?? null, (flight?.results[0] as Row) ?? null);

/**
 * The figures `agentSpent` and `missionSpent` read, as select columns over a task `t` with its
 * agent `a` and mission `m`, joined to `agent_month_spend al` (this month) and `mission_spend
 * ml`: for a read that also reads the task (the heartbeat's). Runs in flight other than `t`
 * are summed only for a side with a budget (null otherwise: nothing is checked against them).
 */
export function spendColumns(): string {
  const flight = (column: 'agent_id' | 'mission_id', sum: string, budgeted: string) =>
    `CASE WHEN ${budgeted} THEN (SELECT ${sum} FROM tasks o
       WHERE o.${column} = t.${column} AND o.status = 'RUNNING' AND o.id <> t.id) END`;
  const agent = 'a.monthly_budget_usd IS NOT NULL OR a.monthly_budget_tokens IS NOT NULL';
  const mission = 'm.budget_usd IS NOT NULL OR m.budget_tokens IS NOT NULL';
  return `al.cost_usd AS agentLedgerUsd, al.tokens AS agentLedgerTokens,
    ${flight('agent_id', FLIGHT_USD, agent)} AS agentFlightUsd,
    ${flight('agent_id', FLIGHT_TOKENS, agent)} AS agentFlightTokens,
    ml.cost_usd AS missionLedgerUsd, ml.tokens AS missionLedgerTokens,
    ${flight('mission_id', FLIGHT_USD, mission)} AS missionFlightUsd,
    ${flight('mission_id', FLIGHT_TOKENS, mission)} AS missionFlightTokens`;
}

/** What `spendColumns` read, by side. */
export interface SpendFigures {
  agentLedgerUsd: number | null;
  agentLedgerTokens: number | null;
  agentFlightUsd: number | null;
  agentFlightTokens: number | null;
  missionLedgerUsd: number | null;
  missionLedgerTokens: number | null;
  missionFlightUsd: number | null;
  missionFlightTokens: number | null;
}

/** Money and tokens spent (the count of unknown costs is not read with them). */
export type SpentSums = Pick<Spent, 'usd' | 'tokens'>;

/** The agent's and the mission's spend from `spendColumns`' figures. */
export function spendsOf(f: SpendFigures): { agent: SpentSums; mission: SpentSums } {
  const sums = ({ usd, tokens }: Spent) => ({ usd, tokens });
  return {
    agent: sums(
      spentOf(
        { usd: f.agentLedgerUsd, tokens: f.agentLedgerTokens },
        { usd: f.agentFlightUsd, tokens: f.agentFlightTokens },
      ),
    ),
    mission: sums(
      spentOf(
        { usd: f.missionLedgerUsd, tokens: f.missionLedgerTokens },
        { usd: f.missionFlightUsd, tokens: f.missionFlightTokens },
      ),
    ),
  };
}

/**
 * The spend of several missions at once (a page of the mission list), as `missionSpent`
 * counts it: finished runs from the ledger plus runs in flight. Missions that spent nothing
 * are absent from the map.
 */
export async function missionsSpent(db: D1Database, ids: string[]): Promise<Map<string, Spent>> {
  const spent = new Map<string, Spent>();
  if (!ids.length) return spent;
  const marks = ids.map(() => '?').join(', ');
  const [ledger, flight] = await db.batch<Row & { id: string }>([
    db
      .prepare(`SELECT mission_id AS id, ${SUMS} FROM mission_spend WHERE mission_id IN (${marks})`)
      .bind(...ids),
    db
      .prepare(
        `SELECT mission_id AS id, ${FLIGHT} FROM tasks WHERE status = 'RUNNING' AND mission_id IN (${marks}) GROUP BY mission_id`,
      )
      .bind(...ids),
  ]);
  for (const id of ids) {
    const l = ledger?.results.find((r) => r.id === id) ?? null;
    const f = flight?.results.find((r) => r.id === id) ?? null;
    if (l || f) spent.set(id, spentOf(l, f));
  }
  return spent;
}
