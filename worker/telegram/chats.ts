import type { Role } from '../../drizzle/schema';
import { effectiveRole } from '../auth/roles';
import { database } from '../db/client';

export interface LinkedChat {
  chatId: string;
  userEmail: string;
  /** The Telegram user bound to the link: only their updates act as `userEmail`. */
  telegramUserId: string;
  role: Role;
  mutedUntil: number | null;
}

/**
 * Every linked chat whose user still has a role (a revoked user's chat hears nothing), and
 * only private ones, where the chat is its user (a shared chat is never told anything).
 */
export async function linkedChats(env: Env): Promise<LinkedChat[]> {
  const { results } = await env.DB.prepare(
    `SELECT chat_id AS chatId, user_email AS userEmail, telegram_user_id AS telegramUserId,
       muted_until AS mutedUntil FROM telegram_chats WHERE chat_id = telegram_user_id
     ORDER BY linked_at`,
  ).all<{
    chatId: string;
    userEmail: string;
    telegramUserId: string;
    mutedUntil: number | null;
  }>();
  const db = database(env);
  const chats: LinkedChat[] = [];
  for (const chat of results) {
    const role = await effectiveRole(db, env, chat.userEmail);
    if (role) chats.push({ ...chat, role });
  }
  return chats;
}

/** The linked chat with this id and its user's role now, or null (unlinked, or the role was revoked). */
export async function linkedChat(env: Env, chatId: string): Promise<LinkedChat | null> {
  const row = await env.DB.prepare(
    `SELECT chat_id AS chatId, user_email AS userEmail, telegram_user_id AS telegramUserId,
       muted_until AS mutedUntil FROM telegram_chats WHERE chat_id = ?`,
  )
    .bind(chatId)
    .first<{
      chatId: string;
      userEmail: string;
      telegramUserId: string;
      mutedUntil: number | null;
    }>();
  if (!row) return null;
  const role = await effectiveRole(database(env), env, row.userEmail);
  return role ? { ...row, role } : null;
}
