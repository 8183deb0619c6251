import { Composer } from 'grammy/web';
import { parseCommand } from '../ceo/commands';
import { decideReview } from '../ceo/review-actions';
import { askConversation, cancelText, claimAsk } from '../ceo/review-asks';
import type { BotDeps, HqContext } from './context';
import { remember } from './messages';

/**
 * After a Request changes tap, the same person's next text in that chat is the comment: the
 * task goes back to its agent with it. `/cancel` drops the ask; other commands run as usual
 * and the ask keeps waiting. Past 30 minutes the ask is gone and the text is a conversation.
 */
export function reviewComments(deps: BotDeps) {
  const composer = new Composer<HqContext>();
  composer.on('message:text', async (ctx, next) => {
    const operator = ctx.operator;
    if (!operator) return next();
    const text = ctx.message.text;
    const command = parseCommand(text);
    if (command && command.name !== 'cancel') return next();
    const conversation = askConversation('telegram', String(ctx.chat.id));
    const key = `tg-${ctx.update.update_id}`;
    if (command) {
      const dropped = await deps.once('review-comment', () =>
        claimAsk(deps.env, conversation, operator.email, 'cancelled', deps.now),
      );
      const answer = cancelText(dropped);
      await ctx.reply(answer);
      await remember(deps, operator, key, text, answer);
      return;
    }
    const answered = await deps.once('review-comment', async () => {
      const ask = await claimAsk(deps.env, conversation, operator.email, 'confirmed', deps.now);
      return ask ? decideReview(deps.env, operator, ask.taskId, 'changes', text.trim(), key) : null;
    });
    if (!answered) return next();
    await ctx.reply(answered.text);
    await remember(deps, operator, key, `[review comment] ${text}`, answered.text);
  });
  return composer;
}
