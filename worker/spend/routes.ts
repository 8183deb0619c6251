import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';

const Totals = {
  costUsd: z
    .number()
    .describe('The money known (reported or estimated); entries of unknown cost are not in it.'),
  inputTokens: z.number(),
  outputTokens: z.number(),
  unknownCost: z
    .number()
    .int()
    .describe(
      'Ledger entries whose cost nobody knows (tokens but no money and no price, or nothing reported).',
    ),
  unknownCostTokens: z.number().int().describe('Tokens in and out of the entries of unknown cost.'),
  estimatedCost: z
    .number()
    .int()
    .describe('Entries whose cost was estimated from tokens with the price table.'),
};
const DAY_MS = 86_400_000;

const spend = defineRoute('viewer', {
  operationId: 'getSpend',
  method: 'get',
  path: '/api/spend',
  tags: ['Spend'],
  summary: 'Money and tokens by day (UTC), by agent and by model, over a time range',
  request: {
    query: z.strictObject({
      from: z.iso.datetime({ offset: true }).optional().describe('Default: 30 days ago.'),
      to: z.iso.datetime({ offset: true }).optional().describe('Default: now.'),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        from: z.string(),
        to: z.string(),
        total: z.object(Totals),
        byDay: z.array(z.object({ day: z.string(), ...Totals })),
        byAgent: z.array(
          z.object({ agentId: z.string().nullable(), slug: z.string().nullable(), ...Totals }),
        ),
        byModel: z.array(z.object({ provider: z.string(), model: z.string(), ...Totals })),
        byPurpose: z.array(z.object({ purpose: z.string(), ...Totals })),
      }),
      'Spend aggregates.',
    ),
  },
});

// A null cost or token count is unknown: sums skip it, and the unknown costs are counted
// (with their tokens, so a view can say how much work has no price).
const SUMS = `coalesce(sum(cost_usd), 0) AS costUsd, coalesce(sum(input_tokens), 0) AS inputTokens,
  coalesce(sum(output_tokens), 0) AS outputTokens, count(*) - count(cost_usd) AS unknownCost,
  coalesce(sum(CASE WHEN cost_usd IS NULL THEN coalesce(input_tokens, 0) + coalesce(output_tokens, 0) END), 0) AS unknownCostTokens,
  count(CASE WHEN cost_source = 'price_table' THEN 1 END) AS estimatedCost`;

export const spendRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

spendRoutes.openapi(spend, async (c) => {
  const q = c.req.valid('query');
  const to = q.to ? Date.parse(q.to) : Date.now();
  const from = q.from ? Date.parse(q.from) : to - 30 * DAY_MS;
  const db = c.env.DB;
  const range = 'WHERE s.created_at >= ?1 AND s.created_at <= ?2';
  const query = <T>(sql: string) => db.prepare(sql).bind(from, to).all<T>();
  type Sums = z.infer<z.ZodObject<typeof Totals>>;
  const [total, byDay, byAgent, byModel, byPurpose] = await Promise.all([
    db.prepare(`SELECT ${SUMS} FROM spend_ledger s ${range}`).bind(from, to).first<Sums>(),
    query<Sums & { day: string }>(
      `SELECT strftime('%Y-%m-%d', s.created_at / 1000, 'unixepoch') AS day, ${SUMS} FROM spend_ledger s ${range} GROUP BY day ORDER BY day`,
    ),
    query<Sums & { agentId: string | null; slug: string | null }>(
      `SELECT s.agent_id AS agentId, a.slug AS slug, ${SUMS} FROM spend_ledger s LEFT JOIN agents a ON a.id = s.agent_id ${range} GROUP BY s.agent_id ORDER BY costUsd DESC`,
    ),
    query<Sums & { provider: string; model: string }>(
      `SELECT provider, model, ${SUMS} FROM spend_ledger s ${range} GROUP BY provider, model ORDER BY costUsd DESC`,
    ),
    query<Sums & { purpose: string }>(
      `SELECT purpose, ${SUMS} FROM spend_ledger s ${range} GROUP BY purpose ORDER BY costUsd DESC`,
    ),
  ]);
  return c.json(
    {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      total: total ?? {
        costUsd: 0,
        inputTokens: 0,
        outputTokens: 0,
        unknownCost: 0,
        unknownCostTokens: 0,
        estimatedCost: 0,
      },
      byDay: byDay.results,
      byAgent: byAgent.results,
      byModel: byModel.results,
      byPurpose: byPurpose.results,
    },
    200,
  );
});
