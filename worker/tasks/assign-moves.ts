import { taskMovedPayload } from '../events/outbox';
import { assertMove, type TaskStatus } from './state-machine';

/** A waiting task dispatch gives to an agent. */
export interface Assignment {
  taskId: string;
  from: TaskStatus;
  agentId: string;
  agentSlug: string;
}

/**
 * Dispatch's moves to ASSIGNED, as `moveStatements` (transition.ts) writes each of them, in
 * three statements however many tasks move (three per task made 150 for a 50-task mission).
 * A move happens only while its task is still in `from`. A batch runs alone, so that holds
 * for the same tasks through its three statements: the event and the outbox entry are written
 * first, for the tasks still in `from`, then the update moves exactly those; a task another
 * dispatch moved meanwhile gets neither. The update's `changes` is the number moved. A move
 * to ASSIGNED from a waiting state neither ends a mission nor leaves REVIEW, so there is
 * nothing more to write.
 */
export function assignStatements(
  db: D1Database,
  assignments: Assignment[],
  now: number,
  /** An SQL condition every move also needs, with its values: an approval's `won`. */
  onlyIf: { sql: string; values: unknown[] } = { sql: '1', values: [] },
): D1PreparedStatement[] {
  if (!assignments.length) return [];
  const actor = 'dispatcher';
  const moves = JSON.stringify(
    assignments.map(({ taskId, from, agentId, agentSlug }) => {
      assertMove(taskId, from, 'ASSIGNED');
      const reason = `assigned to ${agentSlug}`;
      return {
        id: taskId,
        from,
        agentId,
        reason,
        // Made by the outbox's own code, so it is the payload `moveStatements` would write.
        payload: taskMovedPayload({ taskId, from, to: 'ASSIGNED', actor, reason }),
      };
    }),
  );
  const field = (name: string) => `json_extract(m.value, '$.${name}')`;
  // The tasks still where dispatch saw them, in the order dispatch chose (the events' ids too).
  const still = `FROM json_each(?) m JOIN tasks t ON t.id = ${field('id')} AND t.status = ${field('from')}
    WHERE ${onlyIf.sql} ORDER BY m.key`;
  return [
    db
      .prepare(
        `INSERT INTO task_events (task_id, actor, from_status, to_status, reason, created_at)
         SELECT t.id, ?, t.status, 'ASSIGNED', ${field('reason')}, ? ${still}`,
      )
      .bind(actor, now, moves, ...onlyIf.values),
    db
      .prepare(
        `INSERT INTO domain_events (type, entity_type, entity_id, payload, created_at)
         SELECT 'task.moved', 'task', t.id, ${field('payload')}, ? ${still}`,
      )
      .bind(now, moves, ...onlyIf.values),
    db
      .prepare(
        `UPDATE tasks SET status = 'ASSIGNED', updated_at = ?, agent_id = ${field('agentId')}
         FROM json_each(?) m WHERE tasks.id = ${field('id')} AND tasks.status = ${field('from')}
           AND ${onlyIf.sql}`,
      )
      .bind(now, moves, ...onlyIf.values),
  ];
}
