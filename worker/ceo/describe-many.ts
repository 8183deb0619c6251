import type { DomainEvent } from '../events/types';
import { describe, type Happening } from './describe';
import { reviewFactsMany } from './review-words';

/** The events whose words need their task's facts (reviewFacts). */
const WITH_TASK_FACTS = new Set<DomainEvent['type']>([
  'task.moved',
  'task.approved',
  'task.first_reviewed',
]);

/**
 * The happenings of a run of queued events, exactly as `describe` words each one, with the
 * facts of all their tasks read in one query instead of one per event: an approval of a
 * 50-task mission queues 100 task moves. Events of other kinds (agents, proposals) still read
 * what they need one by one; they are few.
 */
export async function describeMany(env: Env, events: DomainEvent[]): Promise<Happening[]> {
  const taskIds = events.flatMap((event) =>
    WITH_TASK_FACTS.has(event.type) && 'taskId' in event && event.taskId ? [event.taskId] : [],
  );
  const facts = await reviewFactsMany(env, taskIds);
  const happenings: Happening[] = [];
  for (const event of events) happenings.push(await describe(env, event, async (id) => facts(id)));
  return happenings;
}
