import { Composer } from 'grammy/web';
import { decideMission } from '../ceo/actions';
import { editAnswer } from '../ceo/drafts/buttons';
import type { BotDeps, HqContext } from './context';
import { missionOutcome } from './edits';
import { remember, sendReply } from './messages';
import { toast } from './render';
import { reviewTap } from './review-buttons';
import { fixStaleButtons } from './stale-buttons';

/**
 * Button taps. A mission's Approve / Reject decides it once however often it is tapped (the
 * message itself is edited when the decision's event comes through, on every chat), and a
 * draft's Edit says where the web app edits it (worker/ceo/drafts); a task's
 * Approve / Request changes reviews it (review-buttons.ts); other buttons confirm or cancel
 * what the CEO proposed in the conversation.
 */
export function callbacks(deps: BotDeps) {
  const composer = new Composer<HqContext>();
  composer.on('callback_query:data', async (ctx) => {
    const operator = ctx.operator;
    if (!operator) return;
    const data = ctx.callbackQuery.data;
    const key = `tg-${ctx.update.update_id}`;
    const edit = /^mission:edit:([\w-]{4,64})$/.exec(data);
    if (edit) {
      // A draft is edited in the web app's form: the tap says where, in a message that stays.
      const missionId = edit[1] ?? '';
      const stale = await missionOutcome(deps.env, missionId);
      const answer = stale
        ? `${stale.subject} is decided: ${stale.line}.`
        : await editAnswer(deps.env, operator, missionId);
      await ctx.answerCallbackQuery({ text: toast(answer), show_alert: Boolean(stale) });
      if (stale) await fixStaleButtons(ctx, deps, { kind: 'mission', id: missionId }, stale);
      else await sendReply(ctx, { text: answer }, deps);
      await remember(deps, operator, key, `[edit button] ${missionId}`, answer);
      return;
    }
    // `@N`: the plan revision the message showed (older buttons carry none).
    const mission = /^mission:(approve|reject):([\w-]{4,64})(?:@(\d{1,9}))?$/.exec(data);
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
        mission[3] === undefined ? undefined : Number(mission[3]),
      );
      const missionId = mission[2] ?? '';
      // A button that decides nothing any more (decided elsewhere): say where it stands, and
      // take the stale buttons off the message it was tapped on.
      const stale = !result.changed ? await missionOutcome(deps.env, missionId) : null;
      const answer =
        stale && !result.ok ? `${stale.subject} is decided: ${stale.line}.` : result.text;
      await ctx.answerCallbackQuery({ text: toast(answer), show_alert: !result.ok });
      if (stale) await fixStaleButtons(ctx, deps, { kind: 'mission', id: missionId }, stale);
      await remember(deps, operator, key, `[${mission[1]} button] ${missionId}`, answer);
      return;
    }
    if (await reviewTap(ctx, deps, operator, key)) return;
    const reply = await deps.confirm(operator, data, key);
    await ctx.answerCallbackQuery(
      reply ? { text: toast(reply.text) } : { text: 'That button has expired.' },
    );
    // Confirmed, cancelled or expired, the question under it is closed: its recorded messages
    // say how (sendReply); one not recorded (or already closed) just loses its buttons.
    const edited = reply ? await sendReply(ctx, reply, deps) : 0;
    if (!edited && ctx.callbackQuery.message)
      await ctx
        .editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } })
        .catch(() => undefined);
  });
  return composer;
}
