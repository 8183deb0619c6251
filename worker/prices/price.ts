// Turning tokens into money. Plain functions over plain data: the report, the heartbeat and
// the CEO's own model calls all price the same way.

export interface Price {
  inputPerMillionUsd: number;
  outputPerMillionUsd: number;
}

/** Where a known cost came from (the spend ledger's `cost_source`). */
export type CostSource = 'reported' | 'price_table' | 'builtin';

/** Tokens at a price; null when there is no price or a token count is unknown. */
export function priceTokens(
  price: Price | null,
  inputTokens: number | null,
  outputTokens: number | null,
): number | null {
  // Half the tokens priced would pass for the whole cost: both counts or nothing.
  if (!price || inputTokens === null || outputTokens === null) return null;
  return (
    (inputTokens * price.inputPerMillionUsd + outputTokens * price.outputPerMillionUsd) / 1_000_000
  );
}

/**
 * A run's cost as far as anyone knows: the money its CLI reported, else its tokens at the
 * price table's price, else unknown (null), never a made-up $0.
 */
export function knownCost(
  reportedUsd: number | null,
  inputTokens: number | null,
  outputTokens: number | null,
  price: Price | null,
): { costUsd: number | null; source: CostSource | null } {
  if (reportedUsd !== null) return { costUsd: reportedUsd, source: 'reported' };
  const estimated = priceTokens(price, inputTokens, outputTokens);
  return estimated === null
    ? { costUsd: null, source: null }
    : { costUsd: estimated, source: 'price_table' };
}
