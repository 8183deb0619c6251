import { keyedHash, sha256 } from '../auth/crypto';
import { envValue } from '../env';

/** How long a link code from the web app stays valid. */
export const LINK_CODE_TTL_MS = 10 * 60_000;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** The stored form of a code: keyed by the session secret when there is one, so a DB leak links nothing. */
async function codeHash(env: Env, code: string): Promise<string> {
  const secret = envValue(env, 'SESSION_SECRET');
  return secret ? keyedHash(secret, `telegram-link:${code}`) : sha256(`telegram-link:${code}`);
}

/** A new one-time code that links the chat it is sent from to `email`. */
export async function createLinkCode(env: Env, email: string, now: number) {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const code = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  const expiresAt = now + LINK_CODE_TTL_MS;
  await env.DB.prepare(
    'INSERT INTO telegram_link_codes (code_hash, user_email, created_at, expires_at) VALUES (?, ?, ?, ?)',
  )
    .bind(await codeHash(env, code), email, now, expiresAt)
    .run();
  return { code, expiresAt };
}

/**
 * Uses a link code for a private chat, once: the code is spent and the chat linked to its
 * Telegram user in one batch, and only if the code was unused and unexpired. The caller has
 * checked that the chat is private and `userId` is its sender. Returns the linked email, or null.
 */
export async function redeemLinkCode(
  env: Env,
  code: string,
  chat: { id: string; userId: string; name: string | null },
  now: number,
): Promise<string | null> {
  const hash = await codeHash(env, code.trim().toUpperCase());
  const [spent] = await env.DB.batch([
    env.DB.prepare(
      'UPDATE telegram_link_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?',
    ).bind(now, hash, now),
    env.DB.prepare(
      `INSERT INTO telegram_chats (chat_id, user_email, telegram_user_id, telegram_name, linked_at)
       SELECT ?, user_email, ?, ?, ? FROM telegram_link_codes WHERE code_hash = ? AND changes() = 1
       ON CONFLICT (chat_id) DO UPDATE SET user_email = excluded.user_email,
         telegram_user_id = excluded.telegram_user_id, telegram_name = excluded.telegram_name,
         linked_at = excluded.linked_at, muted_until = NULL`,
    ).bind(chat.id, chat.userId, chat.name, now, hash),
  ]);
  if (spent?.meta.changes !== 1) return null;
  const row = await env.DB.prepare(
    'SELECT user_email AS email FROM telegram_link_codes WHERE code_hash = ?',
  )
    .bind(hash)
    .first<{ email: string }>();
  return row?.email ?? null;
}

/**
 * Spends a code without linking anything: it was posted where others read it (a group), so
 * any member could send it privately and link their own account to its owner. True when a
 * live code was voided.
 */
export async function voidLinkCode(env: Env, code: string, now: number): Promise<boolean> {
  const hash = await codeHash(env, code.trim().toUpperCase());
  const result = await env.DB.prepare(
    'UPDATE telegram_link_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?',
  )
    .bind(now, hash, now)
    .run();
  return result.meta.changes === 1;
}
