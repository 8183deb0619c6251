// An ASSIGNED task waits for a runner to claim it. When its agent's executor preset is one no
// live runner declared (worker/runners/capabilities.ts), no claim will ever come: the task's
// phase says so, on the board and in the office, instead of the task waiting in silence.

/** A runner silent this long (it long-polls every few seconds while up) is taken as gone. */
export const RUNNER_GONE_MS = 10 * 60_000;

export const WAITING_FOR_RUNNER = 'waiting for a runner that can run ';

/**
 * Sets the phase of every ASSIGNED task whose preset no live runner can run, and clears it
 * once one can (or the agent no longer needs a preset). `updated_at` is left alone: the ops
 * scan's dispatch drift measures how long a task has been ASSIGNED by it.
 */
export async function markRunnerWaits(db: D1Database, now = Date.now()): Promise<void> {
  await db
    .prepare(
      `UPDATE tasks SET phase = CASE WHEN w.runnable THEN NULL ELSE ?2 || w.preset END
       FROM (
         SELECT a.id AS agent_id, json_extract(a.executor, '$.preset') AS preset,
           a.executor IS NULL OR EXISTS (
             SELECT 1 FROM runners r, json_each(r.capabilities) c
             WHERE r.revoked_at IS NULL AND r.last_seen_at >= ?1
               AND json_extract(c.value, '$.preset') = json_extract(a.executor, '$.preset')
           ) AS runnable
         FROM agents a
       ) AS w
       WHERE tasks.agent_id = w.agent_id AND tasks.status = 'ASSIGNED'
         AND ((NOT w.runnable AND tasks.phase IS NOT (?2 || w.preset))
           OR (w.runnable AND tasks.phase LIKE (?2 || '%')))`,
    )
    .bind(now - RUNNER_GONE_MS, WAITING_FOR_RUNNER)
    .run();
}
