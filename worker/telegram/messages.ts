import { Composer } from 'grammy/web';
import { parseCommand, runCommand } from '../ceo/commands';
import type { Reply } from '../ceo/reply';
import type { BotDeps, HqContext } from './context';
import { fitText, keyboard } from './render';

/** Sends a reply with its buttons, if any. */
export async function sendReply(ctx: HqContext, reply: Reply) {
  await ctx.reply(fitText(reply.text), {
    ...(reply.buttons?.length ? { reply_markup: keyboard(reply.buttons) } : {}),
  });
}

/** Text messages: a slash command runs; anything else is a conversation with the CEO. */
export function messages(deps: BotDeps) {
  const composer = new Composer<HqContext>();
  composer.on('message:text', async (ctx) => {
    const operator = ctx.operator;
    if (!operator) return;
    const key = `tg-${ctx.update.update_id}`;
    const command = parseCommand(ctx.message.text);
    if (command) {
      const reply = await runCommand(
        {
          env: deps.env,
          settings: deps.settings,
          operator,
          now: deps.now,
          chatId: String(ctx.chat.id),
          requestId: key,
          ceo: deps.ceo,
        },
        command.name,
        command.args,
      );
      await sendReply(ctx, reply);
      return;
    }
    await ctx.replyWithChatAction('typing').catch(() => undefined);
    const reply = await deps.converse({
      channel: 'telegram',
      operator,
      text: ctx.message.text,
      key,
      at: deps.now,
    });
    await sendReply(ctx, reply);
  });
  return composer;
}
