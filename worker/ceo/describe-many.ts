import type { DomainEvent } from '../events/types';
import { type PlanTexts, proposalPlanReads } from '../missions/proposal-text';
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

/** What describeMany's words read, when the caller read it in a batch of its own. */
export interface RunWords {
  facts: (taskId: string) => ReviewFacts;
  plans: PlanTexts;
}

/**
 * What the run's words read, as statements for a caller's batch (none when no event needs
 * anything): its tasks' facts, and its proposals' missions and the roster their estimates
 * start from (each estimate's second trip, its agents' history, follows). `from` gives
 * describeMany's `known` from their results.
 */
export function runWordsReads(db: D1Database, events: DomainEvent[]) {
  const taskIds = factsWanted(events);
  const facts = taskIds.length ? [reviewFactsStatement(db, taskIds)] : [];
  const plans = proposalPlanReads(
    db,
    events.flatMap((event) => (event.type === 'mission.proposed' ? [event.missionId] : [])),
  );
  return {
    statements: [...facts, ...plans.statements],
    from: (env: Env, results: D1Result[]): RunWords => ({
      facts: reviewFactsFrom(facts.length ? (results[0] ?? null) : null),
      plans: plans.statements.length
        ? plans.from(env, results.slice(facts.length))
        : () => undefined,
    }),
  };
}

/**
 * The happenings of a run of queued events, exactly as `describe` words each one, with the
 * facts of all their tasks read in one query instead of one per event: an approval of a
 * 50-task mission queues 100 task moves. Events of other kinds (agents, proposals) read what
 * they need one by one, unless the caller read it already (`known`, runWordsReads).
 */
export async function describeMany(
  env: Env,
  events: DomainEvent[],
  known?: RunWords,
): Promise<Happening[]> {
  const facts = known?.facts ?? (await reviewFactsMany(env, factsWanted(events)));
  const happenings: Happening[] = [];
  for (const event of events)
    happenings.push(await describe(env, event, async (id) => facts(id), known?.plans));
  return happenings;
}
