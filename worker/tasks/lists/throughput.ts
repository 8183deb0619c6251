const DAY_MS = 86_400_000;

/**
 * Tasks that entered DONE per UTC day, the last `days` days up to today, zeros included.
 *
 * Read from task_events (the moves into DONE), not tasks.updated_at: an event is written once,
 * when the task enters DONE, while updated_at moves with any later write to the row.
 * task_events_to_idx (to_status, created_at) covers the query: no event row is read.
 */
export async function throughput(db: D1Database, days: number, now = Date.now()) {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const since = today - (days - 1) * DAY_MS;
  const { results } = await db
    .prepare(
      `SELECT (created_at / ${DAY_MS}) * ${DAY_MS} AS day, count(*) AS done
         FROM task_events
        WHERE to_status = 'DONE' AND created_at >= ?
        GROUP BY 1`,
    )
    .bind(since)
    .all<{ day: number; done: number }>();
  const done = new Map(results.map((r) => [r.day, r.done]));
  return Array.from({ length: days }, (_, i) => {
    const day = since + i * DAY_MS;
    return { day: new Date(day).toISOString().slice(0, 10), done: done.get(day) ?? 0 };
  });
}
