import { Composer } from 'grammy/web';
import { linkedChat } from './chats';
import type { BotDeps, HqContext } from './context';
import { redeemLinkCode, voidLinkCode } from './linking';

const REFUSAL =
  'Hello! This bot answers only the operators of a private HQ. If you are one, open your profile in HQ, create a Telegram link code, and send it here as /start CODE.';

const START = /^\/start(?:@\w+)?\s+([A-Za-z0-9_-]{4,64})\s*$/;

/**
 * The door. HQ talks to one person per chat: a private chat, linked with `/start CODE` to the
 * Telegram user who sent the code. Every update and every button tap must come from such a
 * chat AND from that user (a private chat's `from.id` is its `chat.id`); anything else gets a
 * polite refusal and runs nothing. Groups, supergroups and channels are refused whatever they
 * send, a code included: any member could otherwise act as whoever linked it. Linked updates
 * go on with the operator (their role now) on the context.
 */
export function gate(deps: BotDeps) {
  const composer = new Composer<HqContext>();
  composer.use(async (ctx, next) => {
    const chat = ctx.chat;
    if (!chat) {
      // A tap under a message Telegram no longer shows with its chat: no chat to check.
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: REFUSAL, show_alert: true });
      return;
    }
    const code = START.exec(ctx.message?.text ?? '')?.[1];
    if (chat.type !== 'private') return refuseShared(ctx, deps, code);
    // Telegram sends a private chat's updates with from.id == chat.id; any other sender is
    // not the person of this chat, so it is not trusted to link or to act.
    const from = ctx.from;
    const sender = from && from.id === chat.id && !from.is_bot ? String(from.id) : null;
    if (code && sender) {
      const name = [from?.first_name, from?.last_name].filter(Boolean).join(' ') || null;
      const chatId = String(chat.id);
      const email = await redeemLinkCode(
        deps.env,
        code,
        { id: chatId, userId: sender, name },
        deps.now,
      );
      const linked = email ? await linkedChat(deps.env, chatId) : null;
      await ctx.reply(
        linked
          ? `Linked to ${linked.userEmail} (${linked.role}). I will tell you what matters here. /help lists what I can do.`
          : 'That link code is not valid or has expired. Create a new one on your profile page in HQ.',
      );
      return;
    }
    const linked = sender ? await linkedChat(deps.env, String(chat.id)) : null;
    if (!linked || linked.telegramUserId !== sender) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: REFUSAL, show_alert: true });
      else if (ctx.message) await ctx.reply(REFUSAL);
      return;
    }
    ctx.operator = { email: linked.userEmail, role: linked.role };
    await next();
  });
  return composer;
}

/**
 * A group, supergroup or channel: nothing is linked or run there. What is addressed to the
 * bot (a message, a tap, being added) gets the reason and the bot leaves, so a group with
 * privacy mode off is not answered message after message. A code posted there is voided:
 * every member has read it and could send it privately to link their own account.
 */
async function refuseShared(ctx: HqContext, deps: BotDeps, code: string | undefined) {
  const refusal = `HQ links private chats only: open a private chat with @${ctx.me.username} and talk to me there. Nothing in this chat reaches HQ.`;
  const voided = code ? await voidLinkCode(deps.env, code, deps.now) : false;
  const added = ['member', 'administrator'].includes(
    ctx.myChatMember?.new_chat_member.status ?? '',
  );
  if (ctx.callbackQuery)
    await ctx.answerCallbackQuery({ text: refusal.slice(0, 200), show_alert: true });
  else if (ctx.message || ctx.channelPost || added)
    await ctx.reply(
      voided
        ? `${refusal} That link code was seen here, so it no longer works: create a new one in HQ and send it to me privately.`
        : refusal,
    );
  else return;
  await ctx.leaveChat().catch(() => undefined);
}
