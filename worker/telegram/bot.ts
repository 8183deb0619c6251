import type { Update } from 'grammy/types';
import { Bot, BotError, GrammyError, HttpError } from 'grammy/web';
import { agentAnswers } from './agent-answers';
import { blocked } from './blocked';
import { callbacks } from './callbacks';
import type { TelegramConfig } from './config';
import type { BotDeps, HqContext } from './context';
import { gate } from './gate';
import { linkCodeLimit, personLimits } from './limits';
import { media } from './media';
import { messages } from './messages';
import { reviewComments } from './review-comments';

/** The bot for one update: its features in order, behind the gate. No getMe: botInfo is configured. */
export function createBot(config: TelegramConfig, deps: BotDeps): Bot<HqContext> {
  const bot = new Bot<HqContext>(config.token, {
    botInfo: config.botInfo,
    client: { apiRoot: config.apiRoot },
  });
  if (deps.transformer) bot.api.config.use(deps.transformer);
  bot.use(blocked(deps));
  bot.use(linkCodeLimit(deps));
  bot.use(gate(deps));
  bot.use(personLimits(deps));
  bot.use(callbacks(deps));
  bot.use(agentAnswers(deps));
  bot.use(reviewComments(deps));
  bot.use(messages(deps));
  bot.use(media(deps));
  bot.on('message', (ctx) =>
    ctx.reply('I read text, photos, voice notes and documents (text, markdown or PDF).'),
  );
  return bot;
}

/**
 * Handles one update. Failures are logged by kind and never thrown: the update is done
 * either way (Telegram already has its 200), and a retry would repeat what did succeed.
 */
export async function handleUpdate(config: TelegramConfig, deps: BotDeps, update: Update) {
  try {
    await createBot(config, deps).handleUpdate(update);
  } catch (error) {
    const cause = error instanceof BotError ? error.error : error;
    const kind =
      cause instanceof GrammyError
        ? `Telegram refused ${cause.method}: ${cause.description}`
        : cause instanceof HttpError
          ? 'Telegram could not be reached'
          : `handler failed: ${cause instanceof Error ? cause.message : String(cause)}`;
    console.warn(`telegram update ${update.update_id}: ${kind}`);
  }
}
