import { Composer } from 'grammy/web';
import { parseCommand } from '../ceo/commands';
import type { Operator } from '../ceo/reply';
import { decideReview } from '../ceo/review-actions';
import type { BotDeps, HqContext } from './context';
import { remember } from './messages';

/** How long the bot waits for the comment after a Request changes tap. */
export const COMMENT_WITHIN_MS = 30 * 60_000;
/**
 * The asks live in pending_actions (a write waiting for the operator, like the CEO's
 * questions), under a conversation of their own per chat: the CEO's typed "yes" / "confirm
 * <code>" never sees them, and they have no button of their own.
 */
const TOOL = 'review_comment';
export const commentConversation = (chatId: string) => `telegram-review:${chatId}`;

interface Ask {
  taskId: string;
  title: string;
}

/** Waits for this chat's user's next text as the comment on `task`; an earlier ask is dropped. */
export async function awaitComment(
  env: Env,
  chatId: string,
  operator: Operator,
  task: Ask,
  now: number,
): Promise<void> {
  const conversation = commentConversation(chatId);
  await env.DB.batch([
    env.DB.prepare(
      `UPDATE pending_actions SET outcome = 'superseded', decided_at = ? WHERE conversation_id = ? AND outcome IS NULL`,
    ).bind(now, conversation),
    env.DB.prepare(
      `INSERT INTO pending_actions (id, conversation_id, user_email, tool, args, summary, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(
      crypto.randomUUID(),
      conversation,
      operator.email,
      TOOL,
      JSON.stringify(task),
      `Request changes in ${task.title}`,
      now,
      now + COMMENT_WITHIN_MS,
    ),
  ]);
}

/** Claims the open ask of this chat's user (answered or dropped now), or null when none waits. */
async function claimAsk(
  env: Env,
  chatId: string,
  email: string,
  outcome: 'confirmed' | 'cancelled',
  now: number,
): Promise<Ask | null> {
  const row = await env.DB.prepare(
    `UPDATE pending_actions SET outcome = ?1, decided_at = ?2
     WHERE id = (SELECT id FROM pending_actions WHERE conversation_id = ?3 AND user_email = ?4
       AND tool = ?5 AND outcome IS NULL AND expires_at > ?2 ORDER BY created_at DESC LIMIT 1)
     RETURNING args`,
  )
    .bind(outcome, now, commentConversation(chatId), email, TOOL)
    .first<{ args: string }>();
  return row ? (JSON.parse(row.args) as Ask) : null;
}

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
    const chatId = String(ctx.chat.id);
    const key = `tg-${ctx.update.update_id}`;
    if (command) {
      const dropped = await deps.once('review-comment', () =>
        claimAsk(deps.env, chatId, operator.email, 'cancelled', deps.now),
      );
      const answer = dropped
        ? `Dropped: no changes requested in ${dropped.title}. It still waits for your review.`
        : 'Nothing to cancel.';
      await ctx.reply(answer);
      await remember(deps, operator, key, text, answer);
      return;
    }
    const answered = await deps.once('review-comment', async () => {
      const ask = await claimAsk(deps.env, chatId, operator.email, 'confirmed', deps.now);
      return ask ? decideReview(deps.env, operator, ask.taskId, 'changes', text.trim(), key) : null;
    });
    if (!answered) return next();
    await ctx.reply(answered.text);
    await remember(deps, operator, key, `[review comment] ${text}`, answered.text);
  });
  return composer;
}
