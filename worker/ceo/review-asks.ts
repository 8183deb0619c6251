// Request changes from a button: the operator's next text on that face is the comment.
import type { Operator } from './reply';

/** How long the bot waits for the comment after a Request changes tap. */
export const COMMENT_WITHIN_MS = 30 * 60_000;
/**
 * The asks live in pending_actions (a write waiting for the operator, like the CEO's
 * questions), under a conversation of their own per Telegram chat or web user: the CEO's
 * typed "yes" / "confirm <code>" never sees them, and they have no button of their own.
 */
const TOOL = 'review_comment';
export const askConversation = (face: 'telegram' | 'web', id: string) => `${face}-review:${id}`;

export interface Ask {
  taskId: string;
  title: string;
}

/** Waits for the operator's next text there as the comment on `task`; an earlier ask is dropped. */
export async function awaitComment(
  env: Env,
  conversation: string,
  operator: Operator,
  task: Ask,
  now: number,
): Promise<void> {
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

/** Claims the operator's open ask there (answered or dropped now), or null when none waits. */
export async function claimAsk(
  env: Env,
  conversation: string,
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
    .bind(outcome, now, conversation, email, TOOL)
    .first<{ args: string }>();
  return row ? (JSON.parse(row.args) as Ask) : null;
}

/** What the CEO asks after a Request changes button. */
export const askText = (title: string) =>
  `What should change in ${title}? Reply with your comment. (/cancel drops it; I wait 30 minutes.)`;

/** What /cancel answers: the ask dropped, or nothing was waiting. */
export const cancelText = (dropped: Ask | null) =>
  dropped
    ? `Dropped: no changes requested in ${dropped.title}. It still waits for your review.`
    : 'Nothing to cancel.';
