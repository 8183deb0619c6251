import type { DomainEvent } from '../events/types';
import { describe, type Happening } from './describe';
import {
  type ReviewFacts,
  reviewFactsFrom,
  reviewFactsMany,
  reviewFactsStatement,
} from './review-words';

/** The events whose words need their task's facts (reviewFacts). */
const WITH_TASK_FACTS = new Set<DomainEvent['type']>([
  'task.moved',
  'task.approved',
  'task.first_reviewed',
]);

/** The tasks whose facts the run's words need. */
const factsWanted = (events: DomainEvent[]) =>
  events.flatMap((event) =>
    WITH_TASK_FACTS.has(event.type) && 'taskId' in event && event.taskId ? [event.taskId] : [],
  );

/**
 * The run's task facts as statements for a caller's batch (none when no event needs them),
 * and describeMany's `known` from their results.
 */
export function taskFactsReads(db: D1Database, events: DomainEvent[]) {
  const taskIds = factsWanted(events);
  return {
    statements: taskIds.length ? [reviewFactsStatement(db, taskIds)] : [],
    from: (results: D1Result[]) => reviewFactsFrom(results[0] ?? null),
  };
}

/**
 * The happenings of a run of queued events, exactly as `describe` words each one, with the
 * facts of all their tasks read in one query instead of one per event: an approval of a
 * 50-task mission queues 100 task moves. Events of other kinds (agents, proposals) still read
 * what they need one by one; they are few.
 */
export async function describeMany(
  env: Env,
  events: DomainEvent[],
  /** The run's task facts, when the caller read them in a batch of its own (taskFactsReads). */
  known?: (taskId: string) => ReviewFacts,
): Promise<Happening[]> {
  const facts = known ?? (await reviewFactsMany(env, factsWanted(events)));
  const happenings: Happening[] = [];
  for (const event of events) happenings.push(await describe(env, event, async (id) => facts(id)));
  return happenings;
}
