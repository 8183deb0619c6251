import { prices } from '../../drizzle/schema';
import { database } from '../db/client';
import type { Price } from './price';

/** The price table's row for this provider and model (exact names), or null. */
export async function priceFor(env: Env, provider: string, model: string): Promise<Price | null> {
  const row = await env.DB.prepare(
    'SELECT input_per_million_usd AS inputPerMillionUsd, output_per_million_usd AS outputPerMillionUsd FROM prices WHERE provider = ? AND model = ?',
  )
    .bind(provider, model)
    .first<Price>();
  return row ?? null;
}

/** The whole table, by provider then model. */
export async function listPrices(env: Env) {
  const rows = await database(env).select().from(prices).orderBy(prices.provider, prices.model);
  return rows.map((row) => ({ ...row, updatedAt: new Date(row.updatedAt).toISOString() }));
}
