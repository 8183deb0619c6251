import { env } from 'cloudflare:workers';

/** The real D1 binding, counting the calls that reach the database (a batch is one). */
export function countingDb() {
  const real = env.DB;
  let trips = 0;
  const counted = (statement: D1PreparedStatement): D1PreparedStatement => {
    const bind = statement.bind.bind(statement);
    statement.bind = (...values: unknown[]) => counted(bind(...values));
    for (const method of ['first', 'all', 'run', 'raw'] as const) {
      const original = (statement[method] as (...args: unknown[]) => unknown).bind(statement);
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        trips++;
        return original(...args);
      };
    }
    return statement;
  };
  const db = Object.create(real) as D1Database;
  db.prepare = (query: string) => counted(real.prepare(query));
  db.batch = (statements) => {
    trips++;
    return real.batch(statements);
  };
  db.exec = (query: string) => {
    trips++;
    return real.exec(query);
  };
  return { db, trips: () => trips };
}
