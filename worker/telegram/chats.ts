import type { Role } from '../../drizzle/schema';
import { bootstrapRole } from '../auth/roles';

export interface LinkedChat {
  chatId: string;
  userEmail: string;
  /** The Telegram user bound to the link: only their updates act as `userEmail`. */
  telegramUserId: string;
  role: Role;
  mutedUntil: number | null;
}

interface ChatRow {
  chatId: string;
  userEmail: string;
  telegramUserId: string;
  mutedUntil: number | null;
  /** The user's grant row, joined: present with a null role when it was revoked. */
  grantEmail: string | null;
  grantRole: Role | null;
}

// The chat and its user's grant in one query (the CEO asks this for every update it handles):
// effectiveRole's rule, a stored grant wins (a null one is a revocation), else the env lists.
const CHAT_WITH_GRANT = `SELECT c.chat_id AS chatId, c.user_email AS userEmail,
    c.telegram_user_id AS telegramUserId, c.muted_until AS mutedUntil,
    g.email AS grantEmail, g.role AS grantRole
  FROM telegram_chats c LEFT JOIN role_grants g ON g.email = LOWER(c.user_email)`;

function withRole(env: Env, row: ChatRow): LinkedChat | null {
  const { grantEmail, grantRole, ...chat } = row;
  const role = grantEmail !== null ? (grantRole ?? undefined) : bootstrapRole(env, chat.userEmail);
  return role ? { ...chat, role } : null;
}

/**
 * Every linked chat whose user still has a role (a revoked user's chat hears nothing), and
 * only private ones, where the chat is its user (a shared chat is never told anything).
 */
export async function linkedChats(env: Env): Promise<LinkedChat[]> {
  return linkedChatsFrom(env, await linkedChatsStatement(env.DB).all<ChatRow>());
}

/** linkedChats as a statement, for a caller's own batch (a send's claim: send.ts). */
export function linkedChatsStatement(db: D1Database): D1PreparedStatement {
  return db.prepare(`${CHAT_WITH_GRANT} WHERE c.chat_id = c.telegram_user_id ORDER BY c.linked_at`);
}

/** linkedChats from linkedChatsStatement's result. */
export function linkedChatsFrom(env: Env, result: D1Result): LinkedChat[] {
  return (result.results as ChatRow[])
    .map((row) => withRole(env, row))
    .filter((chat) => chat !== null);
}

/** The linked chat with this id and its user's role now, or null (unlinked, or the role was revoked). */
export async function linkedChat(env: Env, chatId: string): Promise<LinkedChat | null> {
  const row = await env.DB.prepare(`${CHAT_WITH_GRANT} WHERE c.chat_id = ?`)
    .bind(chatId)
    .first<ChatRow>();
  return row ? withRole(env, row) : null;
}
