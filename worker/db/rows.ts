import { getTableColumns, type Table } from 'drizzle-orm';

// Rows read by raw D1 statements (inside a batch with other statements, or joined into a query
// Drizzle cannot express) turned into the objects a Drizzle select would give: each column
// decoded by its own Drizzle column (JSON parsed, flags as booleans), null left null.

/**
 * The select list of every column of `table` under `alias`, each named `prefix` + its column
 * name, so a joined row can carry several tables without clashes.
 */
export function columnsOf(table: Table, alias: string, prefix = ''): string {
  return Object.values(getTableColumns(table))
    .map((column) => `${alias}.${column.name} AS "${prefix}${column.name}"`)
    .join(', ');
}

/** The row as Drizzle maps it, from the raw columns named `prefix` + column name. */
export function rowOf<T extends Table>(
  table: T,
  raw: Record<string, unknown>,
  prefix = '',
): T['$inferSelect'] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[`${prefix}${column.name}`];
    // As Drizzle's own mapping: a null is never handed to the decoder.
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T['$inferSelect'];
}
