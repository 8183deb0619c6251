import type { missions } from '../../drizzle/schema';
import { taskMovedPayload } from '../events/outbox';

type MissionRow = typeof missions.$inferSelect;

/** An id for each task in the mission's plan, in its order. */
export const newTaskIds = (mission: MissionRow) => mission.plan.map(() => crypto.randomUUID());

/**
 * The writes that create an approved mission's tasks: the tasks, their first events and their
 * outbox entries, three statements however long the plan (each over `json_each` of the plan as
 * a JSON parameter; one statement per row made 150 for a 50-task mission). `ids` come from
 * `newTaskIds`, made by the caller so it can dispatch the tasks in the same batch. Each task is
 * created at `now` plus its place in the plan, so listing by creation time keeps the plan's
 * order. Each statement writes only where `won` (an SQL condition with two parameters: the
 * mission's id and the deciding request's) holds.
 */
export function newTasksStatements(
  db: D1Database,
  mission: MissionRow,
  actor: string,
  timeoutSeconds: number,
  now: number,
  won: string,
  requestId: string,
  ids: string[],
): D1PreparedStatement[] {
  const reason = 'mission approved';
  const plan = JSON.stringify(
    mission.plan.map((task, i) => ({
      id: ids[i],
      title: task.title,
      spec: task.spec,
      scope: JSON.stringify(task.expectedScope),
      agentHint: task.agentHint ?? null,
      roleHint: task.roleHint ?? null,
    })),
  );
  // The events need only the ids (and the outbox its payloads): a smaller parameter than the plan.
  const moved = JSON.stringify(
    ids.map((id) => ({
      id,
      // Made by the outbox's own code, so it is the payload a single move would write.
      payload: taskMovedPayload({ taskId: id, from: null, to: 'PENDING', actor, reason }),
    })),
  );
  const field = (name: string) => `json_extract(p.value, '$.${name}')`;
  // `p.key` is the task's place in the plan; ORDER BY keeps the rows' ids in the plan's order.
  const each = `FROM json_each(?) p WHERE ${won} ORDER BY p.key`;
  return [
    db
      .prepare(
        `INSERT INTO tasks (id, mission_id, title, spec, expected_scope, agent_hint, role_hint, status, timeout_seconds, created_at, updated_at)
         SELECT ${field('id')}, ?, ${field('title')}, ${field('spec')}, ${field('scope')},
           ${field('agentHint')}, ${field('roleHint')}, 'PENDING', ?, ? + p.key, ? ${each}`,
      )
      .bind(mission.id, timeoutSeconds, now, now, plan, mission.id, requestId),
    db
      .prepare(
        `INSERT INTO task_events (task_id, actor, from_status, to_status, reason, created_at)
         SELECT ${field('id')}, ?, NULL, 'PENDING', ?, ? ${each}`,
      )
      .bind(actor, reason, now, moved, mission.id, requestId),
    db
      .prepare(
        `INSERT INTO domain_events (type, entity_type, entity_id, payload, created_at)
         SELECT 'task.moved', 'task', ${field('id')}, ${field('payload')}, ? ${each}`,
      )
      .bind(now, moved, mission.id, requestId),
  ];
}
