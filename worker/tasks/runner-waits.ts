// An ASSIGNED task waits for a runner to claim it. When no claim can come, the task's phase
// says why, on the board and in the office, instead of the task waiting in silence: no runner
// serves its mission's repository, no live runner can run its agent's executor preset
// (worker/runners/capabilities.ts), or it continues an earlier round whose head only one
// runner holds (worker/runners/claim.ts) and waits for that runner.

/** A runner silent this long (it long-polls every few seconds while up) is taken as gone. */
export const RUNNER_GONE_MS = 10 * 60_000;

/**
 * SQL, true while a runner seen after `since` (a bound parameter) serves the repository named
 * by `repository` and can run the executor preset of the agent row `agent` (one without an
 * executor runs with any runner's own). Review jobs and planning runs ask it before queueing
 * work, so nothing waits for a runner that cannot come.
 */
export const liveRunnerCanRun = (repository: string, since: string, agent = 'a') =>
  `EXISTS (SELECT 1 FROM runners r
     WHERE r.revoked_at IS NULL AND coalesce(r.last_seen_at, 0) > ${since}
       AND EXISTS (SELECT 1 FROM json_each(r.repositories) s
         WHERE json_extract(s.value, '$.name') = ${repository})
       AND (${agent}.executor IS NULL OR EXISTS (SELECT 1 FROM json_each(r.capabilities) c
         WHERE json_extract(c.value, '$.preset') = json_extract(${agent}.executor, '$.preset'))))`;

export const WAITING_FOR_REPOSITORY = 'waiting: no runner serves repository ';
export const WAITING_FOR_RUNNER = 'waiting for a runner that can run ';
export const WAITING_FOR_HOLDER = 'waiting for runner ';
export const HOLDER_SUFFIX = ', which holds its earlier round';

/**
 * Sets the phase of every ASSIGNED task that waits for one of those reasons, and clears it
 * once the reason is gone. One statement over the ASSIGNED tasks (this runs on every
 * dispatch but an approval's, which looks only at what it assigned: runnerWaitsForTasks).
 * `updated_at` is left alone: the ops scan's dispatch drift measures how long a
 * task has been ASSIGNED by it.
 */
export async function markRunnerWaits(db: D1Database, now = Date.now()): Promise<void> {
  await runnerWaitsStatement(db, now).run();
}

/**
 * markRunnerWaits as a statement, for a caller that adds it to its own batch. `onlyIf`: a
 * condition of that batch (its `?` parameters, `onlyIfParams`, follow this statement's five).
 */
export function runnerWaitsStatement(
  db: D1Database,
  now: number,
  onlyIf = '1',
  ...onlyIfParams: unknown[]
): D1PreparedStatement {
  return waitsStatement(db, now, `t.status = 'ASSIGNED'`, onlyIf, onlyIfParams);
}

/**
 * The same for only the tasks `taskIds` (an approval's dispatch, for the tasks it just
 * assigned). Every other ASSIGNED task's reason changes only with the runners, and the
 * dispatches that follow a runner's news (its capabilities, the cron's every five minutes)
 * look at all of them. Looking at all of them on every approval cost a scan of every ASSIGNED
 * task: in sqlite3 with 5,714 of them, 9 to 13 ms of D1's time per approval, growing with
 * the backlog (`npm run bench`, core path, 8 at once).
 */
export function runnerWaitsForTasks(
  db: D1Database,
  now: number,
  taskIds: string[],
): D1PreparedStatement {
  // `+t.status` keeps SQLite off the status index, so it starts from the ids (in sqlite3 with
  // 5,714 ASSIGNED tasks and 50 ids: under 1 ms, against 3 to 7 ms walking the index).
  const these = `+t.status = 'ASSIGNED' AND t.id IN (SELECT value FROM json_each(?6))`;
  return waitsStatement(db, now, these, '1', [JSON.stringify(taskIds)]);
}

function waitsStatement(
  db: D1Database,
  now: number,
  /** Which tasks: every ASSIGNED one, or some of them. */
  tasks: string,
  onlyIf: string,
  params: unknown[],
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE tasks SET phase = w.wanted
       FROM (
         SELECT t.id, CASE
           WHEN NOT EXISTS (
             SELECT 1 FROM runners r, json_each(r.repositories) s
             WHERE r.revoked_at IS NULL AND json_extract(s.value, '$.name') = m.repository
           ) THEN ?2 || m.repository
           WHEN a.executor IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM runners r, json_each(r.capabilities) c
             WHERE r.revoked_at IS NULL AND r.last_seen_at >= ?1
               AND json_extract(c.value, '$.preset') = json_extract(a.executor, '$.preset')
           ) THEN ?3 || json_extract(a.executor, '$.preset')
           WHEN t.head_commit IS NOT NULL AND t.head_pushed = 0 AND EXISTS (
             SELECT 1 FROM json_each(h.repositories) s WHERE json_extract(s.value, '$.name') = m.repository
           ) THEN ?4 || h.name || ?5
           END AS wanted
         FROM tasks t JOIN missions m ON m.id = t.mission_id
         LEFT JOIN agents a ON a.id = t.agent_id
         LEFT JOIN runners h ON h.id = t.runner_id AND h.revoked_at IS NULL AND h.last_seen_at >= ?1
         WHERE ${tasks}
       ) AS w
       WHERE tasks.id = w.id AND tasks.phase IS NOT w.wanted
         AND (w.wanted IS NOT NULL OR tasks.phase LIKE (?2 || '%') OR tasks.phase LIKE (?3 || '%')
           OR tasks.phase LIKE (?4 || '%'))
         AND ${onlyIf}`,
    )
    .bind(
      now - RUNNER_GONE_MS,
      WAITING_FOR_REPOSITORY,
      WAITING_FOR_RUNNER,
      WAITING_FOR_HOLDER,
      HOLDER_SUFFIX,
      ...params,
    );
}
