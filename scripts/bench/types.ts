import type { BenchHq } from './hq';

/** One line of the bench table: a figure beside the bar it must meet. */
export interface BenchRow {
  name: string;
  value: string;
  bar: string;
  verdict: 'PASS' | 'MISS' | '—';
  note?: string;
}

/** What every suite gets: the repository root, how many runs to take the median of, and HQ. */
export interface BenchContext {
  root: string;
  runs: number;
  /** The shared local HQ, started on first use (with every suite's seed applied before start). */
  hq(): Promise<BenchHq>;
  /** Progress for the person waiting (stderr, so the table on stdout stays clean). */
  log(message: string): void;
}

/** A measurement: its rows, and optionally SQL to load into local D1 before HQ starts. */
export interface Suite {
  name: string;
  measure(ctx: BenchContext): Promise<BenchRow[]>;
  /** Statements for `wrangler d1 execute --file`, run on the migrated database before start. */
  seedSql?(): string;
  /** Measured on an HQ of its own, loaded with its own seed only (see ownContext in index.ts). */
  ownHq?: boolean;
}
