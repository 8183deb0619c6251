import { bullets, money, unknownCostNote } from '../reply';

const monthStart = (now: number) =>
  Date.parse(`${new Date(now).toISOString().slice(0, 7)}-01T00:00:00Z`);

/** The company at a glance: agents, work by state, what waits for the operator, spend. */
export async function statusText(env: Env, now: number): Promise<string> {
  const [agents, tasks, missions, spend] = await env.DB.batch([
    env.DB.prepare(
      `SELECT COUNT(*) AS total, SUM(worker_enabled) AS enabled,
              SUM(CASE WHEN cooldown_until > ? THEN 1 ELSE 0 END) AS cooling
       FROM agents WHERE archived_at IS NULL`,
    ).bind(now),
    env.DB.prepare(
      `SELECT status, COUNT(*) AS n FROM tasks WHERE status NOT IN ('DONE', 'FAILED', 'CANCELLED')
       GROUP BY status ORDER BY status`,
    ),
    env.DB.prepare(`SELECT COUNT(*) AS n FROM missions WHERE status = 'PROPOSED'`),
    env.DB.prepare(
      `SELECT COALESCE(SUM(CASE WHEN created_at >= ?1 THEN cost_usd END), 0) AS day,
              COALESCE(SUM(cost_usd), 0) AS month, COUNT(*) - COUNT(cost_usd) AS unknown,
              COALESCE(SUM(CASE WHEN cost_usd IS NULL THEN COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0) END), 0) AS unknownTokens
       FROM spend_ledger WHERE created_at >= ?2`,
    ).bind(now - 86_400_000, monthStart(now)),
  ]);
  const a = (agents?.results[0] ?? {}) as { total?: number; enabled?: number; cooling?: number };
  const open = (tasks?.results ?? []) as { status: string; n: number }[];
  const waiting = ((missions?.results[0] ?? {}) as { n?: number }).n ?? 0;
  const s = (spend?.results[0] ?? {}) as {
    day?: number;
    month?: number;
    unknown?: number;
    unknownTokens?: number;
  };
  const review = open.find((t) => t.status === 'REVIEW')?.n ?? 0;
  return [
    `Agents: ${a.total ?? 0} (${a.enabled ?? 0} taking work, ${a.cooling ?? 0} cooling down).`,
    `Open tasks: ${open.length ? open.map((t) => `${t.n} ${t.status}`).join(', ') : 'none'}.`,
    `Waiting for you: ${waiting} mission(s) to decide, ${review} task(s) to review.`,
    `Spend: ${money(s.day ?? 0)} in the last 24 hours, ${money(s.month ?? 0)} this month${unknownCostNote(s.unknown ?? 0, s.unknownTokens ?? 0)}.`,
  ].join('\n');
}

/** The roster, one line per agent: what it is doing and whether it takes work. */
export async function agentsText(env: Env, now: number): Promise<string> {
  const { results } = await env.DB.prepare(
    `SELECT a.slug, a.name, a.role, a.model, a.worker_enabled AS enabled, a.cooldown_until AS cooldown,
       (SELECT COUNT(*) FROM tasks t WHERE t.agent_id = a.id AND t.status = 'RUNNING') AS running
     FROM agents a WHERE a.archived_at IS NULL ORDER BY a.created_at`,
  ).all<{
    slug: string;
    name: string;
    role: string;
    model: string;
    enabled: number;
    cooldown: number | null;
    running: number;
  }>();
  const state = (a: (typeof results)[number]) =>
    a.cooldown && a.cooldown > now
      ? 'cooling down'
      : !a.enabled
        ? 'not taking work'
        : a.running
          ? `working (${a.running} task${a.running === 1 ? '' : 's'})`
          : 'idle';
  return `Agents (${results.length}):\n${bullets(
    results.map((a) => `${a.name} (${a.slug}), ${a.role}, ${a.model}: ${state(a)}`),
    'no agents yet',
  )}`;
}

/** Spend this month against each agent's budgets (money and tokens), unknown costs said apart. */
export async function budgetText(env: Env, now: number): Promise<string> {
  const { results } = await env.DB.prepare(
    `SELECT a.slug, a.monthly_budget_usd AS budget, a.monthly_budget_tokens AS budgetTokens,
       COALESCE(SUM(s.cost_usd), 0) AS spent, COUNT(s.id) - COUNT(s.cost_usd) AS unknown,
       COALESCE(SUM(COALESCE(s.input_tokens, 0) + COALESCE(s.output_tokens, 0)), 0) AS tokens,
       COALESCE(SUM(CASE WHEN s.id IS NOT NULL AND s.cost_usd IS NULL THEN COALESCE(s.input_tokens, 0) + COALESCE(s.output_tokens, 0) END), 0) AS unknownTokens
     FROM agents a LEFT JOIN spend_ledger s ON s.agent_id = a.id AND s.created_at >= ?
     WHERE a.archived_at IS NULL GROUP BY a.id ORDER BY spent DESC, a.slug`,
  )
    .bind(monthStart(now))
    .all<{
      slug: string;
      budget: number | null;
      budgetTokens: number | null;
      spent: number;
      unknown: number;
      tokens: number;
      unknownTokens: number;
    }>();
  const ceo = await env.DB.prepare(
    'SELECT COALESCE(SUM(cost_usd), 0) AS spent FROM spend_ledger WHERE agent_id IS NULL AND created_at >= ?',
  )
    .bind(monthStart(now))
    .first<{ spent: number }>();
  const line = (a: (typeof results)[number]) => {
    const usd = a.budget
      ? `${money(a.spent)} of ${money(a.budget)} (${Math.round((a.spent / a.budget) * 100)}%)`
      : `${money(a.spent)}${a.budgetTokens === null ? ' (no budget)' : ''}`;
    const tokens =
      a.budgetTokens === null
        ? ''
        : `; ${a.tokens.toLocaleString('en-US')} of ${a.budgetTokens.toLocaleString('en-US')} tokens`;
    return `${a.slug}: ${usd}${unknownCostNote(a.unknown, a.unknownTokens)}${tokens}`;
  };
  return `Spend this month:\n${bullets(results.map(line), 'no agents yet')}\nThe CEO's own model calls: ${money(ceo?.spent ?? 0)}.`;
}
