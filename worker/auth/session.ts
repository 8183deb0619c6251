import { eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type Role, roleGrants, sessions, users } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { SESSION_COOKIE } from '../http/credentials';
import type { SignInReads } from '../http/sign-in-reads';
import { keyedHash, randomToken } from './crypto';
import { forgetSession } from './sign-in-in-batch';

const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const cookieOptions = { httpOnly: true, secure: true, sameSite: 'Lax', path: '/' } as const;

/** Starts a server-side session for `email` and sets its cookie. The caller checked the role. */
export async function startSession(
  c: Context<HonoEnv>,
  secret: string,
  email: string,
  provider: string,
): Promise<void> {
  const token = randomToken();
  const now = Date.now();
  const db = database(c.env);
  const tokenHash = await keyedHash(secret, token);
  await db.batch([
    db.insert(sessions).values({
      tokenHash,
      email,
      provider,
      userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
      createdAt: now,
      expiresAt: now + SESSION_TTL_MS,
    }),
    db
      .insert(users)
      .values({ email, lastProvider: provider, createdAt: now, lastLoginAt: now })
      .onConflictDoUpdate({
        target: users.email,
        set: { lastProvider: provider, lastLoginAt: now },
      }),
  ]);
  setCookie(c, SESSION_COOKIE, token, { ...cookieOptions, maxAge: SESSION_TTL_MS / 1000 });
}

/** The stored hash of the session cookie's token (what the office keeps per socket), or undefined. */
export async function sessionTokenHash(
  c: Context<HonoEnv>,
  secret: string,
): Promise<string | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  return token ? keyedHash(secret, token) : undefined;
}

/** The email of the live session named by the cookie, or undefined. */
export async function sessionEmail(
  c: Context<HonoEnv>,
  secret: string,
): Promise<string | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return undefined;
  const tokenHash = await keyedHash(secret, token);
  const row = await database(c.env)
    .select({ email: sessions.email, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(eq(sessions.tokenHash, tokenHash))
    .get();
  if (!row || row.expiresAt <= Date.now()) return undefined;
  return row.email;
}

/**
 * The live session named by the cookie with its stored role grant, in one query: every signed-in
 * request asks this first, so it is one D1 round trip instead of two (`npm run bench`, core
 * path). `grant` is undefined when no grant is stored, null when the grant is a revocation.
 * `reads` (a route's first reads, worker/http/sign-in-reads.ts) go in the same batch; their
 * results come back beside the session, for the guard to hand on only if the role holds.
 */
export async function sessionWithGrant(
  c: Context<HonoEnv>,
  secret: string,
  reads?: SignInReads,
): Promise<
  | {
      tokenHash: string;
      email: string;
      grant: Role | null | undefined;
      readResults: unknown[] | undefined;
    }
  | undefined
> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return undefined;
  const db = database(c.env);
  const tokenHash = await keyedHash(secret, token);
  const session = db
    .select({
      email: sessions.email,
      expiresAt: sessions.expiresAt,
      granted: sql<number>`${roleGrants.email} IS NOT NULL`,
      role: roleGrants.role,
    })
    .from(sessions)
    .leftJoin(roleGrants, eq(roleGrants.email, sql`lower(${sessions.email})`))
    .where(eq(sessions.tokenHash, tokenHash));
  const [rows, ...readResults] = reads ? await db.batch([session, ...reads(c)]) : [await session];
  const row = rows[0];
  if (!row || row.expiresAt <= Date.now()) return undefined;
  return {
    tokenHash,
    email: row.email,
    grant: row.granted ? row.role : undefined,
    readResults: reads ? readResults : undefined,
  };
}

/** Ends the session on the server (so a stolen cookie dies with it) and clears the cookie. */
export async function endSession(c: Context<HonoEnv>, secret: string): Promise<boolean> {
  const token = getCookie(c, SESSION_COOKIE);
  deleteCookie(c, SESSION_COOKIE, cookieOptions);
  if (!token) return false;
  const tokenHash = await keyedHash(secret, token);
  forgetSession(tokenHash);
  const deleted = await database(c.env)
    .delete(sessions)
    .where(eq(sessions.tokenHash, tokenHash))
    .returning({ email: sessions.email });
  return deleted.length > 0;
}
