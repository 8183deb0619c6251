import { taskTitle } from '../ceo/review-actions';
import type { DomainEvent, MissionDecided, TaskMoved } from '../events/types';
import type { SettingsValue } from '../settings/schema';
import { telegramConfig } from './config';
import {
  closeDecision,
  type DecisionMessage,
  type DecisionRef,
  decisionMessagesStatement,
  minuteUtc,
  type Outcome,
} from './decision-messages';

/** The line a decided mission's message gets: who decided, and when. */
export function decisionLine(event: Pick<MissionDecided, 'verdict' | 'actor'>, at: string) {
  return event.verdict === 'APPROVED'
    ? `✅ Approved by ${event.actor} at ${minuteUtc(at)}`
    : `❌ Rejected by ${event.actor} at ${minuteUtc(at)}`;
}

/** How a review ended, when the task left REVIEW (null: it did not). */
function reviewLine(event: TaskMoved, at: string): string | null {
  if (event.from !== 'REVIEW' || event.to === 'REVIEW') return null;
  const when = minuteUtc(at);
  switch (event.to) {
    case 'CHANGES_REQUESTED':
      return `✏️ Changes requested by ${event.actor} at ${when}`;
    case 'DONE':
      return `✅ Approved and merged at ${when}`;
    default:
      return `⏹ ${event.to.toLowerCase()} by ${event.actor} at ${when}, no longer in review`;
  }
}

/**
 * Edits every Telegram message that carries the buttons of the decision this event made: a
 * mission approved or rejected, a task's review approved (it waits for its merge), or a task
 * leaving review. Runs for decisions from any face
 * (web, API, CEO chat, a command or a button), since each of them emits the event.
 */
export async function showDecision(
  env: Env,
  settings: SettingsValue,
  event: DomainEvent,
  /** The decision's messages, when the caller read them (closeDecisionsOfRun). */
  known?: DecisionMessage[],
): Promise<number> {
  const made = decisionMade(env, event);
  if (!made) return 0;
  return closeDecision(env, settings, made.ref, await made.outcome(), undefined, known);
}

/** The decision an event made and how its messages say it, or null: what showDecision closes. */
function decisionMade(
  env: Env,
  event: DomainEvent,
): { ref: DecisionRef; outcome: () => Promise<Outcome> } | null {
  if (event.type === 'mission.decided') {
    const outcome = { line: decisionLine(event, event.at), subject: `"${event.title}"` };
    return { ref: { kind: 'mission', id: event.missionId }, outcome: async () => outcome };
  }
  if (event.type !== 'task.approved' && event.type !== 'task.moved') return null;
  const line =
    event.type === 'task.approved'
      ? `✅ Approved by ${event.actor} at ${minuteUtc(event.at)}, waiting for its merge`
      : reviewLine(event, event.at);
  if (!line) return null;
  const { taskId } = event;
  return {
    ref: { kind: 'task', id: taskId },
    outcome: async () => ({ line, subject: await taskTitle(env, taskId) }),
  };
}

/**
 * showDecision for a run of events (durable-objects/ceo/event-run.ts): the messages of every
 * decision they made, read as one statement for the run's own batch, and `show`, which closes
 * each decision in turn from those results. The CEO alone writes these rows, one item at a
 * time, so what the batch read holds until the run's own edits; a message an earlier decision
 * of the run touched (a digest carrying two) is read again before the next one edits it.
 */
export function closeDecisionsOfRun(env: Env, settings: SettingsValue, events: DomainEvent[]) {
  const decisions = telegramConfig(env, settings)
    ? events.flatMap((event) => decisionMade(env, event)?.ref ?? [])
    : [];
  return {
    statements: decisions.length ? [decisionMessagesStatement(env.DB, decisions)] : [],
    async show(results: D1Result[]): Promise<void> {
      const read = (results[0]?.results ?? []) as DecisionMessage[];
      const touched = new Set<string>();
      for (const event of events) {
        const decision = decisionMade(env, event)?.ref;
        const mine = decision
          ? read.filter((m) => m.kind === decision.kind && m.id === decision.id)
          : [];
        const keys = mine.map((m) => `${m.chatId}:${m.messageId}`);
        const fresh = decisions.length && !keys.some((key) => touched.has(key));
        for (const key of keys) touched.add(key);
        await showDecision(env, settings, event, fresh ? mine : undefined).catch((error: unknown) =>
          console.warn(`editing the decision's Telegram messages failed: ${String(error)}`),
        );
      }
    },
  };
}

/**
 * A mission's current state, as its message should say once it is decided, or null while it
 * still waits (a stale button's answer, and the line that fixes that button's message).
 */
export async function missionOutcome(env: Env, missionId: string): Promise<Outcome | null> {
  const row = await env.DB.prepare(
    'SELECT title, status, decided_by AS decidedBy, decided_at AS decidedAt FROM missions WHERE id = ?',
  )
    .bind(missionId)
    .first<{ title: string; status: string; decidedBy: string | null; decidedAt: number | null }>();
  if (!row || row.status === 'PROPOSED') return null;
  const at = new Date(row.decidedAt ?? Date.now()).toISOString();
  const actor = row.decidedBy ?? 'someone';
  const line =
    row.status === 'REJECTED'
      ? decisionLine({ verdict: 'REJECTED', actor }, at)
      : `${decisionLine({ verdict: 'APPROVED', actor }, at)}${row.status === 'APPROVED' ? '' : `; now ${row.status}`}`;
  return { line, subject: `"${row.title}"` };
}

/**
 * A task's review as its messages should say once it is decided, or null while it still
 * waits for a person (a stale Approve / Request changes tap's answer, and its message's fix).
 */
export async function taskOutcome(env: Env, taskId: string): Promise<Outcome | null> {
  const row = await env.DB.prepare(
    `SELECT t.title, t.status, t.verdict, a.actor, a.created_at AS at FROM tasks t
     LEFT JOIN audit_log a ON a.id = (SELECT MAX(id) FROM audit_log
       WHERE entity_type = 'task' AND entity_id = t.id AND action LIKE 'task.review.%')
     WHERE t.id = ?`,
  )
    .bind(taskId)
    .first<{
      title: string;
      status: string;
      verdict: string | null;
      actor: string | null;
      at: number | null;
    }>();
  if (!row || (row.status === 'REVIEW' && row.verdict === null)) return null;
  const by = row.actor ? ` by ${row.actor}` : '';
  const when = row.at ? ` at ${minuteUtc(new Date(row.at).toISOString())}` : '';
  const line =
    row.status === 'REVIEW'
      ? `✅ Approved${by}${when}, waiting for its merge`
      : row.status === 'DONE'
        ? '✅ Approved and merged'
        : row.status === 'CHANGES_REQUESTED'
          ? `✏️ Changes requested${by}${when}`
          : `⏹ ${row.status.toLowerCase()}, no longer in review`;
  return { line, subject: `"${row.title}"` };
}
