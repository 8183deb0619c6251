/** A cost and its likely spread, from a set of past costs (all null: no past cost). */
export interface Range {
  samples: number;
  medianUsd: number | null;
  lowUsd: number | null;
  highUsd: number | null;
  /**
   * How low and high were taken: the 10th and 90th percentiles, or, under 5 samples (too few
   * for percentiles to mean anything), the cheapest and dearest. Null with no samples.
   */
  range: 'p10-p90' | 'min-max' | null;
}

/** Fewer samples than this: percentiles would only interpolate between two or three points. */
export const MIN_FOR_PERCENTILES = 5;

// Summing floats otherwise shows 0.30000000000000004; not to cents, as a cheap task costs less.
const tidy = (n: number) => Math.round(n * 1e6) / 1e6;

export const sum = (values: number[]) => tidy(values.reduce((a, b) => a + b, 0));

/** The p-th percentile (0..1) of sorted values, interpolating linearly between neighbours. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) throw new Error('percentile of nothing');
  const at = (sorted.length - 1) * p;
  const below = Math.floor(at);
  const lower = sorted[below] ?? 0;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] ?? lower;
  return lower + (upper - lower) * (at - below);
}

export function costRange(costs: number[]): Range {
  if (!costs.length)
    return { samples: 0, medianUsd: null, lowUsd: null, highUsd: null, range: null };
  const sorted = [...costs].sort((a, b) => a - b);
  const few = sorted.length < MIN_FOR_PERCENTILES;
  return {
    samples: sorted.length,
    medianUsd: tidy(percentile(sorted, 0.5)),
    lowUsd: tidy(few ? (sorted[0] ?? 0) : percentile(sorted, 0.1)),
    highUsd: tidy(few ? (sorted.at(-1) ?? 0) : percentile(sorted, 0.9)),
    range: few ? 'min-max' : 'p10-p90',
  };
}
