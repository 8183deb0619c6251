import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';
import * as schema from '../../drizzle/schema';

export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database };

/**
 * Made once per binding: building one walks the whole schema for the relational queries,
 * which was 8 to 10% of the worker's CPU samples on the core path (a devtools CPU profile of
 * `npm run bench`'s approvals), since nearly every request and CEO step asks for it anew.
 * The instance holds nothing but the binding, so sharing it between requests shares nothing.
 */
const made = new WeakMap<D1Database, Db>();

/** Drizzle over the D1 binding, with the whole schema for relational queries. */
export function database(env: Env): Db {
  let db = made.get(env.DB);
  if (!db) {
    db = drizzle(env.DB, { schema });
    made.set(env.DB, db);
  }
  return db;
}
