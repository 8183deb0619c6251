import { lt, lte } from 'drizzle-orm';
import { oauthStates, sessions } from '../../drizzle/schema';
import { database } from '../db/client';

/**
 * Cron: deletes sessions and sign-in states that have expired. Neither is usable once expired
 * (the guard and the callback check), but without this they would pile up forever, and an
 * expired session row keeps a user agent and an email for no reason.
 */
export async function purgeExpired(env: Env, now: number) {
  const db = database(env);
  const [endedSessions, staleStates] = await db.batch([
    db.delete(sessions).where(lte(sessions.expiresAt, now)).returning({ at: sessions.expiresAt }),
    db
      .delete(oauthStates)
      .where(lt(oauthStates.expiresAt, now))
      .returning({ at: oauthStates.expiresAt }),
  ]);
  return { sessions: endedSessions.length, signInStates: staleStates.length };
}
