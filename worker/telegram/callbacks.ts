import { Composer } from 'grammy/web';
import { decideMission } from '../ceo/actions';
import type { BotDeps, HqContext } from './context';
import { remember, sendReply } from './messages';

/** Telegram shows at most 200 characters in a callback answer. */
const toast = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text);

/**
 * Button taps. A mission's Approve / Reject decides it once however often it is tapped (the
 * message itself is edited when the decision's event comes through, on every chat); other
 * buttons confirm or cancel what the CEO proposed in the conversation.
 */
export function callbacks(deps: BotDeps) {
  const composer = new Composer<HqContext>();
  composer.on('callback_query:data', async (ctx) => {
    const operator = ctx.operator;
    if (!operator) return;
    const data = ctx.callbackQuery.data;
    const key = `tg-${ctx.update.update_id}`;
    const mission = /^mission:(approve|reject):([\w-]{4,64})$/.exec(data);
    if (mission) {
      const verdict = mission[1] === 'approve' ? 'APPROVED' : 'REJECTED';
      const reason = verdict === 'REJECTED' ? `rejected from Telegram by ${operator.email}` : null;
      const result = await decideMission(
        deps.env,
        operator,
        mission[2] ?? '',
        verdict,
        reason,
        key,
      );
      await ctx.answerCallbackQuery({ text: toast(result.text), show_alert: !result.ok });
      await remember(deps, operator, key, `[${mission[1]} button] ${mission[2]}`, result.text);
      return;
    }
    const reply = await deps.confirm(operator, data, key);
    await ctx.answerCallbackQuery(
      reply ? { text: toast(reply.text) } : { text: 'That button has expired.' },
    );
    if (reply) await sendReply(ctx, reply);
  });
  return composer;
}
