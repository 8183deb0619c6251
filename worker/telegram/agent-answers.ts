import { Composer } from 'grammy/web';
import { roleAtLeast } from '../auth/roles';
import { answerQuestion, answerText, findQuestion } from '../ceo/agent-answers';
import { parseCommand } from '../ceo/commands';
import type { BotDeps, HqContext } from './context';
import { closeDecision, minuteUtc } from './decision-messages';
import { remember } from './messages';

/** The agent questions a bot message carried, if it was kept for them (deliver.ts). */
async function questionsOf(env: Env, chatId: string, messageId: number): Promise<string[]> {
  const { results } = await env.DB.prepare(
    `SELECT decision_id AS id FROM telegram_decision_messages
     WHERE chat_id = ? AND message_id = ? AND decision_kind = 'question' LIMIT 10`,
  )
    .bind(chatId, messageId)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * A text sent as a reply to an agent's question is its answer (operators only: an answer
 * steers the agent's work). The question's message then says who answered and when. Other
 * replies, and commands, go on to the conversation as usual.
 */
export function agentAnswers(deps: BotDeps) {
  const composer = new Composer<HqContext>();
  composer.on('message:text', async (ctx, next) => {
    const operator = ctx.operator;
    const repliedTo = ctx.message.reply_to_message;
    if (!operator || !repliedTo || parseCommand(ctx.message.text)) return next();
    const chatId = String(ctx.chat.id);
    const questions = await questionsOf(deps.env, chatId, repliedTo.message_id);
    const [questionId] = questions;
    if (!questionId) return next();
    // A digest may carry several: a reply cannot say which one it answers.
    if (questions.length > 1) {
      const ids = questions.map((id) => id.slice(0, 8)).join(', ');
      await ctx.reply(
        `That message carries ${questions.length} questions (${ids}): answer one with /answer <id> <answer>.`,
      );
      return;
    }
    const key = `tg-${ctx.update.update_id}`;
    const text = ctx.message.text.trim().slice(0, 4000);
    if (!roleAtLeast(operator.role, 'operator')) {
      await ctx.reply(
        `Answering an agent needs the operator role; ${operator.email} is ${operator.role}.`,
      );
      return;
    }
    const reply = await deps.once('agent-answer', async () => {
      const question = await findQuestion(deps.env, questionId);
      if (!question) return 'That question is gone.';
      const by = { email: operator.email, requestId: key };
      const result = await answerQuestion(deps.env, question, text, by, deps.now);
      if (result.outcome === 'answered') {
        const line = `✅ Answered by ${operator.email} at ${minuteUtc(new Date(deps.now).toISOString())}: ${text}`;
        await closeDecision(
          deps.env,
          deps.settings,
          { kind: 'question', id: question.id },
          { line, subject: 'The question' },
        );
      }
      return answerText(result);
    });
    await ctx.reply(reply);
    await remember(deps, operator, key, `[answer to ${questionId}] ${text}`, reply);
  });
  return composer;
}
