import { drizzle } from 'drizzle-orm/d1';
import * as schema from '../../drizzle/schema';

export type Db = ReturnType<typeof database>;

/** Drizzle over the D1 binding, with the whole schema for relational queries. */
export function database(env: Env) {
  return drizzle(env.DB, { schema });
}
