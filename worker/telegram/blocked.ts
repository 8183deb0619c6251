import { eq } from 'drizzle-orm';
import { Composer } from 'grammy/web';
import { telegramChats } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import type { BotDeps, HqContext } from './context';

/** The audit action of a chat unlinked because its user blocked the bot; the profile reads it. */
export const BLOCKED_ACTION = 'telegram.blocked';

/**
 * A user who blocks the bot (Telegram says so with a `my_chat_member` update, status `kicked`)
 * can hear nothing from it any more: the chat is unlinked, so notifications stop trying it,
 * and the audit log says why, which the profile page shows. Runs before the gate: a user whose
 * role was revoked meanwhile still gets their chat unlinked. A replay finds no chat and does nothing.
 */
export function blocked(deps: BotDeps) {
  const composer = new Composer<HqContext>();
  composer.on('my_chat_member', async (ctx) => {
    if (ctx.myChatMember.new_chat_member.status !== 'kicked') return;
    const chatId = String(ctx.myChatMember.chat.id);
    const db = database(deps.env);
    const row = await db
      .select({ email: telegramChats.userEmail })
      .from(telegramChats)
      .where(eq(telegramChats.chatId, chatId))
      .get();
    if (!row) return;
    await db.batch([
      db.delete(telegramChats).where(eq(telegramChats.chatId, chatId)),
      auditRow(db, {
        actor: row.email,
        requestId: `tg-${ctx.update.update_id}`,
        action: BLOCKED_ACTION,
        entityType: 'telegram_chat',
        entityId: chatId,
        summary: { email: row.email, blockedAt: new Date(deps.now).toISOString() },
      }),
    ]);
  });
  return composer;
}
