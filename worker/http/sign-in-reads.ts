import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import type { Context } from 'hono';
import { database } from '../db/client';
import type { HonoEnv } from '../env';

/**
 * The reads a signed-in route needs before anything else, built from the request alone (its
 * raw path parameters: validation runs after the guard, and a value that fails it is answered
 * 400 whatever was read). The role guard asks them in the sign-in check's own D1 batch, so
 * the check and the route's first read cost one round trip, not two (`npm run bench`, core
 * path). Reads only: they run before the caller is known to hold the route's role, and what
 * they return is dropped unless the caller does.
 */
export type SignInReads = (
  c: Context<HonoEnv>,
) => readonly [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]];

/**
 * What `reads` returned: from the sign-in check's batch when the role guard asked them there,
 * else read now (an API token signs in without that batch, and so does a test's own guard).
 */
export async function readsAfterSignIn<R extends SignInReads>(
  c: Context<HonoEnv>,
  reads: R,
): Promise<BatchResponse<ReturnType<R>>> {
  const done = c.get('signInReads');
  if (done?.reads === reads) return done.results as BatchResponse<ReturnType<R>>;
  return database(c.env).batch(reads(c)) as Promise<BatchResponse<ReturnType<R>>>;
}
