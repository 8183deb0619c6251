import { Composer } from 'grammy/web';
import { linkedChat } from './chats';
import type { BotDeps, HqContext } from './context';
import { redeemLinkCode } from './linking';

const REFUSAL =
  'Hello! This bot answers only the operators of a private HQ. If you are one, open your profile in HQ, create a Telegram link code, and send it here as /start CODE.';

/**
 * The door: `/start CODE` links a chat; any other update from a chat that is not linked to
 * a user with a role gets a polite refusal and nothing else. Linked updates go on with the
 * operator (their role now) on the context.
 */
export function gate(deps: BotDeps) {
  const composer = new Composer<HqContext>();
  composer.use(async (ctx, next) => {
    const chat = ctx.chat;
    if (!chat) return;
    const start = /^\/start(?:@\w+)?\s+([A-Za-z0-9_-]{4,64})\s*$/.exec(ctx.message?.text ?? '');
    if (start?.[1]) {
      const name = [ctx.from?.first_name, ctx.from?.last_name].filter(Boolean).join(' ') || null;
      const email = await redeemLinkCode(
        deps.env,
        start[1],
        { id: String(chat.id), name },
        deps.now,
      );
      const linked = email ? await linkedChat(deps.env, String(chat.id)) : null;
      await ctx.reply(
        linked
          ? `Linked to ${linked.userEmail} (${linked.role}). I will tell you what matters here. /help lists what I can do.`
          : 'That link code is not valid or has expired. Create a new one on your profile page in HQ.',
      );
      return;
    }
    const linked = await linkedChat(deps.env, String(chat.id));
    if (!linked) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: REFUSAL, show_alert: true });
      else if (ctx.message) await ctx.reply(REFUSAL);
      return;
    }
    ctx.operator = { email: linked.userEmail, role: linked.role };
    await next();
  });
  return composer;
}
