import type { TaskStatus } from '../../drizzle/schema';
import { DomainError } from '../errors';

export type { TaskStatus };

/**
 * Every legal move of a task. PENDING waits for an agent; ASSIGNED waits for a runner;
 * RUNNING is on a runner; REVIEW waits for a verdict and then the merge; CHANGES_REQUESTED
 * goes back to its agent. REVIEW → REVIEW is a review started again: the reviewed commit was
 * not the branch's head when the runner came to merge it. PENDING → PENDING and ASSIGNED →
 * PENDING hand a task to another agent (reassign); FAILED → PENDING is an operator's retry.
 * DONE and CANCELLED are final; FAILED is final unless an operator retries it.
 */
export const TRANSITIONS: Record<TaskStatus, readonly TaskStatus[]> = {
  PENDING: ['ASSIGNED', 'PENDING', 'CANCELLED', 'FAILED'],
  ASSIGNED: ['RUNNING', 'PENDING', 'CANCELLED', 'FAILED'],
  RUNNING: ['REVIEW', 'PENDING', 'FAILED', 'CANCELLED'],
  REVIEW: ['DONE', 'CHANGES_REQUESTED', 'REVIEW', 'CANCELLED', 'FAILED'],
  CHANGES_REQUESTED: ['ASSIGNED', 'PENDING', 'CANCELLED', 'FAILED'],
  DONE: [],
  FAILED: ['PENDING'],
  CANCELLED: [],
};

/** True when a task may move from `from` to `to`. */
export function canMove(from: TaskStatus, to: TaskStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Refuses an illegal move with 409, naming the moves that are allowed. */
export function assertMove(taskId: string, from: TaskStatus, to: TaskStatus): void {
  if (canMove(from, to)) return;
  const allowed = TRANSITIONS[from];
  throw new DomainError(
    'conflict',
    `Task ${taskId} cannot go from ${from} to ${to}; allowed: ${allowed.length ? allowed.join(', ') : 'none (final state)'}.`,
  );
}
