import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { agents, spendLedger } from '../../drizzle/schema';
import { roleAtLeast } from '../auth/roles';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { DomainError, unwrap } from '../errors';
import { requireEncryptionKey } from '../secrets/seal';
import type { ChangeRequest, ChangeResult } from './store';

/** The agent with this slug, archived or not, or a 404 naming it. */
export async function findAgent(env: Env, slug: string) {
  const row = await database(env).select().from(agents).where(eq(agents.slug, slug)).get();
  if (!row) throw new DomainError('not_found', `No agent with slug "${slug}".`);
  return row;
}

/** An agent's spend this month as its view shows it: known money, tokens, unknown costs. */
export interface MonthSpend {
  spentThisMonthUsd: number;
  tokensThisMonth: number;
  unknownCostThisMonth: number;
}
export const NO_SPEND: MonthSpend = {
  spentThisMonthUsd: 0,
  tokensThisMonth: 0,
  unknownCostThisMonth: 0,
};

/** Spend per agent since the first of this month (UTC); unknown costs are counted, not summed. */
export async function spendThisMonth(
  env: Env,
  agentIds: string[],
): Promise<Map<string, MonthSpend>> {
  if (!agentIds.length) return new Map();
  const now = new Date();
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const rows = await database(env)
    .select({
      agentId: spendLedger.agentId,
      spentThisMonthUsd: sql<number>`coalesce(sum(${spendLedger.costUsd}), 0)`,
      tokensThisMonth: sql<number>`coalesce(sum(${spendLedger.inputTokens}), 0) + coalesce(sum(${spendLedger.outputTokens}), 0)`,
      unknownCostThisMonth: sql<number>`count(*) - count(${spendLedger.costUsd})`,
    })
    .from(spendLedger)
    .where(and(inArray(spendLedger.agentId, agentIds), gte(spendLedger.createdAt, monthStart)))
    .groupBy(spendLedger.agentId)
    .all();
  return new Map(rows.map(({ agentId, ...spend }) => [agentId ?? '', spend]));
}

/** One agent's spend this month. */
export async function monthSpend(env: Env, agentId: string): Promise<MonthSpend> {
  return (await spendThisMonth(env, [agentId])).get(agentId) ?? NO_SPEND;
}

/** Refuses a reportsTo that names no agent, or the agent itself. */
export async function assertReportsTo(
  env: Env,
  slug: string,
  reportsTo: string | null | undefined,
) {
  if (!reportsTo) return;
  const problem =
    reportsTo === slug
      ? 'an agent cannot report to itself'
      : !(await database(env)
            .select({ id: agents.id })
            .from(agents)
            .where(eq(agents.slug, reportsTo))
            .get())
        ? `no agent with slug "${reportsTo}"`
        : undefined;
  if (problem) {
    throw new DomainError('validation_failed', `reportsTo: ${problem}.`, {
      fields: [{ field: 'reportsTo', in: 'body', message: problem }],
    });
  }
}

/** MCP servers carry credentials: only admins may change them. */
export function assertMayChangeMcp(c: Context<HonoEnv>) {
  if (!roleAtLeast(c.get('user').role, 'admin')) {
    throw new DomainError('forbidden', 'Changing mcpServers needs the admin role.');
  }
  // Checked here too, so a missing key is reported before the change is queued.
  requireEncryptionKey(c.env);
}

/** Sends a change through the agent's Durable Object, which applies changes one at a time. */
export async function changeThroughDo(
  c: Context<HonoEnv>,
  request: Omit<ChangeRequest, 'actor' | 'requestId'>,
): Promise<ChangeResult> {
  const stub = c.env.AGENT.get(c.env.AGENT.idFromName(request.agentId));
  const outcome = await stub.change({
    ...request,
    actor: c.get('user').email,
    requestId: c.get('requestId'),
  });
  return unwrap(outcome);
}
