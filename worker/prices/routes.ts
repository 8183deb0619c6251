import { OpenAPIHono, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { prices } from '../../drizzle/schema';
import { PROVIDERS } from '../agents/catalog';
import { auditInsert } from '../audit/record';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { listPrices } from './store';

const tags = ['Prices'];
const Provider = z.enum(PROVIDERS);
// As an agent's model is written (worker/agents/fields.ts): the runner reports spend under it.
const Model = z.string().trim().min(1).max(120);
const PerMillion = z
  .number()
  .min(0, 'must be 0 or more')
  .max(10_000, 'at most 10000 USD per million tokens');

const PriceRow = z
  .object({
    provider: z.string(),
    model: z.string(),
    inputPerMillionUsd: z.number(),
    outputPerMillionUsd: z.number(),
    updatedBy: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Price');

const SetPrice = z
  .strictObject({
    provider: Provider,
    model: Model.describe('The model exactly as the agent names it.'),
    inputPerMillionUsd: PerMillion.describe('USD per million input tokens (cache reads included).'),
    outputPerMillionUsd: PerMillion.describe('USD per million output tokens.'),
  })
  .openapi('SetPrice');

const listRoute = defineRoute('viewer', {
  operationId: 'listPrices',
  method: 'get',
  path: '/api/prices',
  tags,
  summary: 'The price table: what a million tokens cost, per provider and model',
  responses: { 200: jsonResponse(z.object({ prices: z.array(PriceRow) }), 'The table.') },
});

const setRoute = defineRoute('admin', {
  operationId: 'setPrice',
  method: 'put',
  path: '/api/prices',
  tags,
  summary:
    'Set the price of one provider and model (added or replaced); audited. Runs reported from then on are priced with it',
  request: { body: jsonBody(SetPrice) },
  responses: { 200: jsonResponse(PriceRow, 'The price in force.') },
});

const deleteRoute = defineRoute('admin', {
  operationId: 'deletePrice',
  method: 'delete',
  path: '/api/prices',
  tags,
  summary: 'Remove the price of one provider and model (its runs’ cost is then unknown); audited',
  request: { query: z.strictObject({ provider: Provider, model: Model }) },
  responses: {
    200: jsonResponse(z.object({ removed: PriceRow }), 'Removed.'),
    404: jsonResponse(z.object({}), 'No price for that provider and model.'),
  },
});

export const priceRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

priceRoutes.openapi(listRoute, async (c) => c.json({ prices: await listPrices(c.env) }, 200));

const rowOf = (provider: string, model: string) =>
  and(eq(prices.provider, provider), eq(prices.model, model));

priceRoutes.openapi(setRoute, async (c) => {
  const input = c.req.valid('json');
  const db = database(c.env);
  const before = await db.select().from(prices).where(rowOf(input.provider, input.model)).get();
  const row = { ...input, updatedBy: c.get('user').email, updatedAt: Date.now() };
  await db.batch([
    db
      .insert(prices)
      .values(row)
      .onConflictDoUpdate({ target: [prices.provider, prices.model], set: row }),
    auditInsert(db, c, {
      action: 'price.set',
      entityType: 'price',
      entityId: `${input.provider}/${input.model}`,
      summary: {
        from: before
          ? { input: before.inputPerMillionUsd, output: before.outputPerMillionUsd }
          : null,
        to: { input: input.inputPerMillionUsd, output: input.outputPerMillionUsd },
      },
    }),
  ]);
  return c.json({ ...row, updatedAt: new Date(row.updatedAt).toISOString() }, 200);
});

priceRoutes.openapi(deleteRoute, async (c) => {
  const { provider, model } = c.req.valid('query');
  const db = database(c.env);
  const before = await db.select().from(prices).where(rowOf(provider, model)).get();
  if (!before) throw new ApiError('not_found', `No price for ${provider}/${model}.`);
  await db.batch([
    db.delete(prices).where(rowOf(provider, model)),
    auditInsert(db, c, {
      action: 'price.delete',
      entityType: 'price',
      entityId: `${provider}/${model}`,
      summary: {
        from: { input: before.inputPerMillionUsd, output: before.outputPerMillionUsd },
        to: null,
      },
    }),
  ]);
  return c.json(
    { removed: { ...before, updatedAt: new Date(before.updatedAt).toISOString() } },
    200,
  );
});
