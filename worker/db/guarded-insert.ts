/** A Drizzle query as SQL and its parameters. */
interface ToSql {
  toSQL(): { sql: string; params: unknown[] };
}

/**
 * A Drizzle single-row insert turned into `INSERT ... SELECT <the same values> WHERE <onlyIf>`,
 * for a batch whose writes must happen only while a condition holds inside it (a sign-in,
 * worker/auth/sign-in-in-batch.ts). Built from the Drizzle statement itself, so it writes
 * every column as the plain insert would and cannot drift from it.
 */
export function guardedInsert(
  db: D1Database,
  insert: ToSql,
  onlyIf: { sql: string; values: unknown[] },
): D1PreparedStatement {
  const { sql, params } = insert.toSQL();
  const match = /^(insert into "[^"]+" \([^)]*\)) values \((.*)\)$/s.exec(sql);
  // Drizzle writes `?` for every value, so a second row shows as `), (`.
  if (!match?.[2] || match[2].includes('), ('))
    throw new Error(`guardedInsert takes a single-row insert, not: ${sql.slice(0, 80)}`);
  return db
    .prepare(`${match[1]} select ${match[2]} where ${onlyIf.sql}`)
    .bind(...params, ...onlyIf.values);
}
