import type { BenchRow } from './types';

const HEADERS = ['measurement', 'value', 'bar', 'verdict', 'note'] as const;

/** The rows as a plain-text table with aligned columns. */
export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((r) => [r.name, r.value, r.bar, r.verdict, r.note ?? '']);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
