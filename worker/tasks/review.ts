import { eq } from 'drizzle-orm';
import { tasks } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import { taskApprovedStatement } from '../events/outbox';
import { ApiError } from '../http/errors';
import { markSentStatement, unsentCount } from '../reviews/comments/store';
import { dispatch } from './dispatch';
import { cancelReviewJobsStatement, moveStatements } from './transition';

export interface ReviewDecision {
  taskId: string;
  verdict: 'approve' | 'changes';
  comments: string;
  /** A person's email, or `agent:<slug>` when the reviewer agent decided under a policy. */
  actor: string;
  requestId: string;
}

/**
 * A verdict on a task waiting in REVIEW, from any face (the API, a Telegram button, the
 * reviewer agent's policy). Approval keeps the task in REVIEW, marked for its runner to merge
 * (the merge makes it DONE); its event, written only if this approval won, closes the
 * review's messages now. Changes move it to CHANGES_REQUESTED and dispatch it again.
 * Changes send the current head's unsent inline comments with the next run (in the same
 * batch as the move), and may say nothing else when there are some.
 * Refuses (409) a task not waiting in REVIEW or already approved, and changes with nothing said.
 */
export async function reviewTask(env: Env, decision: ReviewDecision): Promise<void> {
  const { taskId, verdict, comments, actor } = decision;
  const row = await database(env).select().from(tasks).where(eq(tasks.id, taskId)).get();
  if (!row) throw new ApiError('not_found', `No task ${taskId}.`);
  if (row.status !== 'REVIEW' || row.verdict === 'approve') {
    throw new ApiError(
      'conflict',
      `Task ${row.id} is ${row.status}${row.verdict === 'approve' ? ' and already approved' : ''}; only a task waiting in REVIEW can be reviewed.`,
    );
  }
  const db = env.DB;
  const audit = auditRow(database(env), {
    actor,
    requestId: decision.requestId,
    action: `task.review.${verdict}`,
    entityType: 'task',
    entityId: row.id,
    summary: { comments },
  });
  if (verdict === 'approve') {
    const now = Date.now();
    const [result] = await db.batch([
      db
        .prepare(
          "UPDATE tasks SET verdict = 'approve', review_comments = ?, updated_at = ? WHERE id = ? AND status = 'REVIEW' AND verdict IS NULL",
        )
        .bind(comments || null, now, row.id),
      taskApprovedStatement(
        db,
        { taskId: row.id, actor, comments: comments || null },
        now,
        'changes() = 1',
      ),
      // A verdict ends the reviewer agent's pass still under way (its own is DONE by now).
      cancelReviewJobsStatement(db, row.id, `${actor} approved`, now),
    ]);
    if (result?.meta.changes !== 1)
      throw new ApiError('conflict', `Task ${row.id} changed meanwhile; reload it.`);
    await audit.run();
    return;
  }
  const inline = await unsentCount(db, row.id, row.headCommit);
  if (!comments && !inline)
    throw new ApiError('validation_failed', 'Say what to change, or comment on the code.', {
      fields: [
        {
          field: 'comments',
          in: 'body',
          message: 'required when requesting changes without inline comments',
        },
      ],
    });
  const statements = moveStatements(db, {
    taskId: row.id,
    from: 'REVIEW',
    to: 'CHANGES_REQUESTED',
    actor,
    reason: comments || `${inline} inline comment(s) on the code`,
    set: { review_comments: comments || null, verdict: 'changes' },
  });
  if (row.headCommit) statements.push(markSentStatement(db, row.id, row.headCommit, row.runs + 1));
  const [update] = await db.batch(statements);
  if (update?.meta.changes !== 1)
    throw new ApiError('conflict', `Task ${row.id} changed meanwhile; reload it.`);
  await audit.run();
  await dispatch(env);
}
