import { Composer } from 'grammy/web';
import { parseCommand } from '../ceo/commands';
import { countHit, inTime, type LimitScope } from '../limits/rate-limits';
import type { BotDeps, HqContext } from './context';

const START_WITH_CODE = /^\/start(?:@\w+)?\s+\S/;

/**
 * Link-code attempts, counted per chat before the gate redeems them: a chat cannot guess
 * codes at the speed of the webhook.
 */
export function linkCodeLimit(deps: BotDeps) {
  const composer = new Composer<HqContext>();
  composer.use(async (ctx, next) => {
    if (!ctx.chat || !START_WITH_CODE.test(ctx.message?.text ?? '')) return next();
    if (await refused(ctx, deps, 'link-code', String(ctx.chat.id))) return;
    await next();
  });
  return composer;
}

/**
 * Turns with the CEO and files for it, counted per person (the linked operator, after the
 * gate): the same chat budget as the web chat's. Commands and button taps are not counted.
 */
export function personLimits(deps: BotDeps) {
  const composer = new Composer<HqContext>();
  composer.use(async (ctx, next) => {
    const message = ctx.message;
    const email = ctx.operator?.email;
    if (!message || !email) return next();
    const scope: LimitScope | null =
      message.photo || message.voice || message.audio || message.document
        ? 'media'
        : message.text !== undefined && !parseCommand(message.text)
          ? 'chat'
          : null;
    if (scope && (await refused(ctx, deps, scope, email))) return;
    await next();
  });
  return composer;
}

/** Counts the hit; past the limit, says politely when to try again and stops the update. */
async function refused(ctx: HqContext, deps: BotDeps, scope: LimitScope, key: string) {
  const verdict = await countHit(deps.env, scope, key, deps.settings.rateLimits);
  if (verdict.allowed) return false;
  await ctx.reply(
    `That is more than ${verdict.rule} for you, so I am pausing here. Please try again ${inTime(verdict.retryAfterSeconds)}.`,
  );
  return true;
}
