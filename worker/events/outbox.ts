import { domainEvents } from '../../drizzle/schema';
import type { Db } from '../db/client';
import type {
  AgentArchived,
  AgentAsked,
  AgentRevised,
  MissionDecided,
  MissionProposed,
  MissionRevised,
  RoutineFired,
  TaskApproved,
  TaskFirstReviewed,
  TaskMoved,
} from './types';

type Payload<E> = Omit<E, 'type'>;

/**
 * The outbox insert for a task move. `onlyIf` is an SQL condition evaluated in the same
 * batch (for example `changes() = 1` after the guarded insert of the task event), so an
 * event exists exactly when its move happened.
 */
export function taskMovedStatement(
  db: D1Database,
  event: Payload<TaskMoved>,
  at: number,
  onlyIf = '1',
  ...onlyIfParams: unknown[]
) {
  return db
    .prepare(
      `INSERT INTO domain_events (type, entity_type, entity_id, payload, created_at)
       SELECT 'task.moved', 'task', ?, ?, ? WHERE ${onlyIf}`,
    )
    .bind(event.taskId, taskMovedPayload(event), at, ...onlyIfParams);
}

/** A task move's payload as the outbox stores it (a set-based insert passes these in). */
export const taskMovedPayload = (event: Payload<TaskMoved>) => JSON.stringify(event);

/** The outbox insert for a review's approval, written only where `onlyIf` holds (it won). */
export function taskApprovedStatement(
  db: D1Database,
  event: Payload<TaskApproved>,
  at: number,
  onlyIf: string,
) {
  return db
    .prepare(
      `INSERT INTO domain_events (type, entity_type, entity_id, payload, created_at)
       SELECT 'task.approved', 'task', ?, ?, ? WHERE ${onlyIf}`,
    )
    .bind(event.taskId, JSON.stringify(event), at);
}

/** The outbox insert for the end of a reviewer agent's pass, only where `onlyIf` holds. */
export function taskFirstReviewedStatement(
  db: D1Database,
  event: Payload<TaskFirstReviewed>,
  at: number,
  onlyIf = '1',
) {
  return db
    .prepare(
      `INSERT INTO domain_events (type, entity_type, entity_id, payload, created_at)
       SELECT 'task.first_reviewed', 'task', ?, ?, ? WHERE ${onlyIf}`,
    )
    .bind(event.taskId, JSON.stringify(event), at);
}

/** The outbox insert for an agent's new revision. */
export function agentRevisedInsert(db: Db, event: Payload<AgentRevised>, at: number) {
  return db.insert(domainEvents).values({
    type: 'agent.revised',
    entityType: 'agent',
    entityId: event.agentId,
    payload: { ...event },
    createdAt: at,
  });
}

/** The outbox insert for an archived agent. */
export function agentArchivedInsert(db: Db, event: Payload<AgentArchived>, at: number) {
  return db.insert(domainEvents).values({
    type: 'agent.archived',
    entityType: 'agent',
    entityId: event.agentId,
    payload: { ...event },
    createdAt: at,
  });
}

/**
 * The outbox insert for a cooldown, written only if this batch's update set exactly this
 * cooldown on the agent (the agent's failure streak reached the limit).
 */
export function agentCooledDownStatement(
  db: D1Database,
  agentId: string,
  until: number,
  at: number,
) {
  return db
    .prepare(
      `INSERT INTO domain_events (type, entity_type, entity_id, payload, created_at)
       SELECT 'agent.cooldown', 'agent', id, json_object('agentId', id, 'until', ?), ? FROM agents WHERE id = ? AND cooldown_until = ?`,
    )
    .bind(new Date(until).toISOString(), at, agentId, until);
}

/** The outbox insert for a proposed mission. */
export function missionProposedInsert(db: Db, event: Payload<MissionProposed>, at: number) {
  return db.insert(domainEvents).values({
    type: 'mission.proposed',
    entityType: 'mission',
    entityId: event.missionId,
    payload: { ...event },
    createdAt: at,
  });
}

/** The outbox insert for a decision, written only where `onlyIf` holds (the decision won). */
export function missionDecidedStatement(
  db: D1Database,
  event: Payload<MissionDecided>,
  at: number,
  onlyIf: string,
  ...onlyIfParams: unknown[]
) {
  return db
    .prepare(
      `INSERT INTO domain_events (type, entity_type, entity_id, payload, created_at)
       SELECT 'mission.decided', 'mission', ?, ?, ? WHERE ${onlyIf}`,
    )
    .bind(event.missionId, JSON.stringify(event), at, ...onlyIfParams);
}

/** The outbox insert for a routine's fire (whatever it did, skips included). */
export function routineFiredInsert(db: Db, event: Payload<RoutineFired>, at: number) {
  return db.insert(domainEvents).values({
    type: 'routine.fired',
    entityType: 'routine',
    entityId: event.routineId,
    payload: { ...event },
    createdAt: at,
  });
}

/** The outbox insert for an agent's question to the operator. */
export function agentAskedInsert(db: Db, event: Payload<AgentAsked>, at: number) {
  return db.insert(domainEvents).values({
    type: 'agent.asked',
    entityType: 'task',
    entityId: event.taskId,
    payload: { ...event },
    createdAt: at,
  });
}

/** The outbox insert for an edit of a proposed mission. */
export function missionRevisedInsert(db: Db, event: Payload<MissionRevised>, at: number) {
  return db.insert(domainEvents).values({
    type: 'mission.revised',
    entityType: 'mission',
    entityId: event.missionId,
    payload: { ...event },
    createdAt: at,
  });
}
