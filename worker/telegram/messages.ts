import { Composer } from 'grammy/web';
import { parseCommand, runCommand } from '../ceo/commands';
import { recordExchange } from '../ceo/conversations';
import type { Operator, Reply } from '../ceo/reply';
import type { BotDeps, HqContext } from './context';
import { recordDecisionMessage } from './decision-messages';
import { closeQuestions } from './questions';
import { fitText, keyboard } from './render';

/**
 * Sends a reply with its buttons, if any. A reply whose buttons decide something (a /missions
 * list, a question to confirm) is recorded, so that the decision, made anywhere, edits it as
 * it does a proposal. The questions the reply closed lose their buttons first; returns how
 * many of their messages were edited.
 */
export async function sendReply(
  ctx: HqContext,
  reply: Reply,
  deps: Pick<BotDeps, 'env' | 'now' | 'settings'>,
): Promise<number> {
  const who = ctx.operator?.email ?? 'you';
  const edited = reply.closed?.length
    ? await closeQuestions(deps.env, deps.settings, reply.closed, who, deps.now)
    : 0;
  const text = fitText(reply.text);
  const buttons = reply.buttons ?? [];
  const sent = await ctx.reply(text, {
    ...(buttons.length ? { reply_markup: keyboard(buttons) } : {}),
  });
  if (buttons.length && sent?.chat)
    await recordDecisionMessage(
      deps.env,
      { chatId: String(sent.chat.id), messageId: sent.message_id, text, buttons },
      deps.now,
    );
  return edited;
}

/**
 * Records a command or a button tap and its answer in the operator's conversation: it is
 * their activity (the proactive guards wait after it) and memory may find decisions in it.
 */
export async function remember(
  deps: BotDeps,
  operator: Operator,
  key: string,
  said: string,
  answer: string,
) {
  const message = {
    key,
    channel: 'telegram' as const,
    userEmail: operator.email,
    text: said,
    at: deps.now,
  };
  await recordExchange(deps.env, deps.settings, message, answer);
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
      const reply = await deps.once('command', () =>
        runCommand(
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
        ),
      );
      await sendReply(ctx, reply, deps);
      await remember(deps, operator, key, ctx.message.text, reply.text);
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
    await sendReply(ctx, reply, deps);
  });
  return composer;
}
