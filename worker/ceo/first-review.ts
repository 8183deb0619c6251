import type { DomainEvent, TaskFirstReviewed } from '../events/types';
import type { FactsOf, Happening } from './describe';
import { readyText } from './review-words';

/** What the reviewer agent said, in one clause. */
function verdictWords(event: TaskFirstReviewed): string {
  if (!event.verdict) return `${event.reviewer} gave no verdict (${event.error ?? 'no reason'})`;
  const said = event.verdict === 'approve' ? 'approves' : 'asks for changes';
  // The sentence ends where the message puts it: no doubled full stop.
  const summary = event.summary?.trim().replace(/[.\s]+$/, '') || 'no summary';
  return `${event.reviewer} ${said}: ${summary}`;
}

/**
 * The reviewer agent's pass over a head. Unless it sent the task back or it was approved
 * with no person, a person decides now: this is the ready-for-review message (the REVIEW
 * move's own was held back while the pass ran), with the pass's summary in it.
 */
export async function firstReviewed(
  key: string,
  event: TaskFirstReviewed & Pick<DomainEvent, 'id'>,
  factsOf: FactsOf,
): Promise<Happening> {
  const task = await factsOf(event.taskId);
  const base = { key, entityType: 'task', entityId: event.taskId };
  const words = verdictWords(event);
  if (event.sentBack)
    return {
      ...base,
      type: 'task.changes_requested',
      text: `${task.label} was sent back by the reviewer agent: ${words}.`,
    };
  if (event.autoApproved)
    return {
      ...base,
      type: 'task.approved',
      text: `${task.label} was approved by the reviewer agent (${words}); it waits for its merge of ${event.headCommit.slice(0, 10)}.`,
    };
  return {
    ...base,
    type: 'task.review',
    text: readyText({ ...task, head: event.headCommit }, null, words),
  };
}
