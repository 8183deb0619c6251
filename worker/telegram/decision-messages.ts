import { Api, GrammyError, HttpError } from 'grammy/web';
import type { Button } from '../ceo/reply';
import type { SettingsValue } from '../settings/schema';
import { telegramConfig } from './config';
import { fitText, keyboard } from './render';

/**
 * What a button decides: a mission (approve / reject), a task's review (approve / changes), or
 * a write the CEO asked to confirm (`action`, a pending action: confirm / cancel). An agent's
 * `question` has no button: a reply to its message answers it (worker/telegram/agent-answers.ts).
 */
export interface DecisionRef {
  kind: 'mission' | 'task' | 'action' | 'question';
  id: string;
}

/** How a decision came out, for the line its messages get. */
export interface Outcome {
  /** e.g. `✅ Approved by alice@example.com at 2026-12-02 14:02 UTC` */
  line: string;
  /** What was decided, named when a message carries several decisions (a /missions list). */
  subject: string;
}

// A draft's Edit belongs to its mission's decision: it goes with Approve / Reject once decided.
// `@N` after a mission's id: the plan revision its buttons were sent with (missionButtons).
const DECISION_ACTION = /^(mission|task):(approve|reject|changes|edit):([\w-]{4,64})(?:@\d{1,9})?$/;
const QUESTION_ACTION = /^(confirm|cancel):([\w-]{36})$/;

/** The decision a button's action makes, or null for buttons that decide nothing. */
export function decisionOf(action: string): DecisionRef | null {
  const question = QUESTION_ACTION.exec(action);
  if (question) return { kind: 'action', id: question[2] ?? '' };
  const match = DECISION_ACTION.exec(action);
  if (!match) return null;
  return { kind: match[1] as DecisionRef['kind'], id: match[3] ?? '' };
}

const sameDecision = (a: DecisionRef, b: DecisionRef | null) =>
  b !== null && a.kind === b.kind && a.id === b.id;

const isTransient = (error: unknown) =>
  error instanceof HttpError ||
  (error instanceof GrammyError && (error.error_code === 429 || error.error_code >= 500));

/** `2026-12-02T14:02:11.000Z` as `2026-12-02 14:02 UTC`. */
export const minuteUtc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Records a message the bot just sent, once per decision it carries (its buttons', and the one
 * it is `about`), so that the decision, made later from any face, edits it. Other messages are
 * not kept.
 */
export async function recordDecisionMessage(
  env: Env,
  sent: { chatId: string; messageId: number; text: string; buttons: Button[][] },
  now: number,
  /** Decisions the message is about without a button for them (a review is decided on the web). */
  about: DecisionRef[] = [],
) {
  const decisions = new Map<string, DecisionRef>();
  for (const decision of [...about, ...sent.buttons.flat().map((b) => decisionOf(b.action))])
    if (decision) decisions.set(`${decision.kind}:${decision.id}`, decision);
  if (!decisions.size) return;
  const buttons = JSON.stringify(sent.buttons);
  await env.DB.batch(
    [...decisions.values()].map((d) =>
      env.DB.prepare(
        `INSERT INTO telegram_decision_messages
           (chat_id, message_id, decision_kind, decision_id, text, buttons, decisions, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ).bind(sent.chatId, sent.messageId, d.kind, d.id, sent.text, buttons, decisions.size, now),
    ),
  );
}

/** The message with this decision closed: its buttons gone, the outcome said below. */
export function closedMessage(
  text: string,
  buttons: Button[][],
  decision: DecisionRef,
  outcome: Outcome,
  /** The message was about other decisions too (a digest), with or without their buttons. */
  several = false,
) {
  const others = new Set(
    buttons
      .flat()
      .map((b) => decisionOf(b.action))
      .filter((d) => d !== null && !sameDecision(decision, d))
      .map((d) => `${d?.kind}:${d?.id}`),
  );
  const line = others.size || several ? `${outcome.subject}: ${outcome.line}` : outcome.line;
  return {
    text: `${text}\n\n${line}`,
    buttons: buttons
      .map((row) => row.filter((b) => !sameDecision(decision, decisionOf(b.action))))
      .filter((row) => row.length > 0),
  };
}

/** A recorded message of a decision, as closeDecision reads it. */
export interface DecisionMessage extends DecisionRef {
  chatId: string;
  messageId: number;
  text: string;
  buttons: string;
  /** How many decisions the message carries. */
  decisions: number;
}

const MESSAGES_SQL = `SELECT decision_kind AS kind, decision_id AS id, chat_id AS chatId,
    message_id AS messageId, text, buttons, decisions
  FROM telegram_decision_messages`;

/**
 * The recorded messages of these decisions, as one statement for a caller's own batch (a CEO
 * run, which closes the decisions its events made: worker/telegram/edits.ts).
 */
export function decisionMessagesStatement(
  db: D1Database,
  decisions: DecisionRef[],
): D1PreparedStatement {
  return db
    .prepare(
      `${MESSAGES_SQL} WHERE (decision_kind, decision_id) IN
         (SELECT json_extract(value, '$.kind'), json_extract(value, '$.id') FROM json_each(?))`,
    )
    .bind(JSON.stringify(decisions.map(({ kind, id }) => ({ kind, id }))));
}

/**
 * Edits every recorded message of a decision (or the one message `only` names): its buttons
 * go and the outcome is said. Each message is edited once: its row goes with the edit, and
 * the message's other decisions keep its new text and buttons for their own edit later.
 */
export async function closeDecision(
  env: Env,
  settings: SettingsValue,
  decision: DecisionRef,
  outcome: Outcome,
  only?: { chatId: string; messageId: number },
  /** The decision's messages, when the caller read them (decisionMessagesStatement). */
  known?: DecisionMessage[],
): Promise<number> {
  const config = telegramConfig(env, settings);
  if (!config) return 0;
  const results =
    known?.filter(
      (m) =>
        sameDecision(decision, m) &&
        (!only || (m.chatId === only.chatId && m.messageId === only.messageId)),
    ) ??
    (
      await env.DB.prepare(
        `${MESSAGES_SQL} WHERE decision_kind = ?1 AND decision_id = ?2
           AND (?3 IS NULL OR (chat_id = ?3 AND message_id = ?4))`,
      )
        .bind(decision.kind, decision.id, only?.chatId ?? null, only?.messageId ?? null)
        .all<DecisionMessage>()
    ).results;
  const api = new Api(config.token, { apiRoot: config.apiRoot });
  let edited = 0;
  for (const message of results) {
    const closed = closedMessage(
      message.text,
      JSON.parse(message.buttons) as Button[][],
      decision,
      outcome,
      message.decisions > 1,
    );
    try {
      await api.editMessageText(message.chatId, message.messageId, fitText(closed.text), {
        reply_markup: keyboard(closed.buttons),
      });
      edited++;
    } catch (error) {
      // Telegram busy or unreachable: the row stays, so a tap on its stale buttons fixes it.
      if (isTransient(error)) continue;
      // Otherwise already edited (a replay) or deleted in the chat: nothing left to show there.
      if (!(error instanceof GrammyError)) throw error;
    }
    await env.DB.batch([
      env.DB.prepare(
        `DELETE FROM telegram_decision_messages WHERE chat_id = ? AND message_id = ?
         AND decision_kind = ? AND decision_id = ?`,
      ).bind(message.chatId, message.messageId, decision.kind, decision.id),
      env.DB.prepare(
        'UPDATE telegram_decision_messages SET text = ?, buttons = ? WHERE chat_id = ? AND message_id = ?',
      ).bind(closed.text, JSON.stringify(closed.buttons), message.chatId, message.messageId),
    ]);
  }
  return edited;
}
