import { inArray } from 'drizzle-orm';
import { sessions } from '../../drizzle/schema';
import { effectiveRole } from '../auth/roles';
import { database } from '../db/client';

/** Who holds an office socket: the email and the hash of the session it was opened with. */
export interface Seat {
  email: string;
  session: string;
  /** When this socket last had a resync answered (they are throttled). */
  resyncAt: number;
}

/** Why a socket must close: its session ended, or its holder no longer has a role. */
export interface Eviction {
  code: 4401 | 4403;
  reason: string;
}

export const SIGNED_OUT: Eviction = { code: 4401, reason: 'signed out' };
export const ROLE_REVOKED: Eviction = { code: 4403, reason: 'role revoked' };

const CHUNK = 90;

/**
 * The seats that must close, by session hash: the session is gone (signed out, revoked,
 * purged) or expired, or its holder no longer has any role (every role can watch the office).
 * One query per 90 sessions and one role look-up per distinct person.
 */
export async function evictions(
  env: Env,
  seats: readonly Seat[],
  now: number,
): Promise<Map<string, Eviction>> {
  const db = database(env);
  const hashes = [...new Set(seats.map((s) => s.session).filter(Boolean))];
  const live = new Map<string, { email: string; expiresAt: number }>();
  for (let i = 0; i < hashes.length; i += CHUNK) {
    const rows = await db
      .select({ hash: sessions.tokenHash, email: sessions.email, expiresAt: sessions.expiresAt })
      .from(sessions)
      .where(inArray(sessions.tokenHash, hashes.slice(i, i + CHUNK)))
      .all();
    for (const row of rows) live.set(row.hash, row);
  }
  const emails = [...new Set(seats.map((s) => s.email))];
  const roles = new Map(
    await Promise.all(
      emails.map(async (email) => [email, await effectiveRole(db, env, email)] as const),
    ),
  );
  const out = new Map<string, Eviction>();
  for (const seat of seats) {
    const session = live.get(seat.session);
    // The role first: revoking one also deletes the sessions, and the close should say why.
    if (!roles.get(seat.email)) out.set(seat.session, ROLE_REVOKED);
    else if (!session || session.expiresAt <= now || session.email !== seat.email) {
      out.set(seat.session, SIGNED_OUT);
    }
  }
  return out;
}
