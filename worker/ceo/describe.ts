import type { DomainEvent } from '../events/types';
import { type PlanTexts, proposalPlanText } from '../missions/proposal-text';
import type { NotificationType } from '../notifications/catalog';
import type { TaskStatus } from '../tasks/state-machine';
import { firstReviewed } from './first-review';
import { type ReviewFacts, readyText, reviewFacts } from './review-words';

/** Where a task's facts come from: one query each, or a run's facts read together (describe-many). */
export type FactsOf = (taskId: string) => Promise<ReviewFacts>;

/** Something the CEO may tell the operator about, in plain words, before tiering. */
export interface Happening {
  /** Stable id of the cause: the notification id, so the same cause is stored once. */
  key: string;
  type: NotificationType;
  entityType: string;
  entityId: string;
  text: string;
  /** Stored as suppressed with this reason (SUPPRESSION_REASONS) instead of being placed. */
  suppress?: string;
  /**
   * Said below `text` verbatim, never reworded by the voice nor put in a digest's line: a
   * proposal's plan and estimate, whose globs and numbers must reach the operator exactly.
   */
  detail?: string;
}

const TASK_TYPES: Record<TaskStatus, NotificationType> = {
  PENDING: 'task.queued',
  ASSIGNED: 'task.assigned',
  RUNNING: 'task.started',
  REVIEW: 'task.review',
  CHANGES_REQUESTED: 'task.changes_requested',
  DONE: 'task.done',
  FAILED: 'task.failed',
  CANCELLED: 'task.cancelled',
};

async function agentName(env: Env, agentId: string): Promise<string> {
  const row = await env.DB.prepare('SELECT name, slug FROM agents WHERE id = ?')
    .bind(agentId)
    .first<{ name: string; slug: string }>();
  return row ? `${row.name} (${row.slug})` : `Agent ${agentId}`;
}

function taskText(
  task: ReviewFacts,
  from: TaskStatus | null,
  to: TaskStatus,
  reason: string | null,
): string {
  const why = reason ? `: ${reason}` : '';
  const label = task.label;
  switch (to) {
    case 'PENDING':
      return `${label} is waiting for an agent${why}.`;
    case 'ASSIGNED':
      return `${label} was assigned.`;
    case 'RUNNING':
      return `${label} started.`;
    case 'REVIEW':
      // REVIEW → REVIEW: the approved commit was not the branch's head at the merge.
      return readyText(task, from === 'REVIEW' ? reason : null);
    case 'CHANGES_REQUESTED':
      return `${label} needs changes${why}.`;
    case 'DONE':
      return `${label} is done and merged.`;
    case 'FAILED':
      return `${label} failed${why}.`;
    case 'CANCELLED':
      return `${label} was cancelled${why}.`;
  }
}

/** Turns a domain event into plain words about one entity. */
export async function describe(
  env: Env,
  event: DomainEvent,
  factsOf: FactsOf = (taskId) => reviewFacts(env, taskId),
  /** A proposal's plan text, when the caller read its first trip (describeMany). */
  plans: PlanTexts = () => undefined,
): Promise<Happening> {
  const key = `event-${event.id}`;
  switch (event.type) {
    case 'task.moved': {
      const task = await factsOf(event.taskId);
      const label = task.label;
      if (event.to === 'FAILED' && event.cause === 'budget')
        return {
          key,
          type: 'task.budget_stopped',
          entityType: 'task',
          entityId: event.taskId,
          text: `${label} was stopped mid-run and failed: its budget is spent (${(event.reason ?? '').replace(/^budget:\s*/, '') || 'no details'}). Raise the budget or leave it failed.`,
        };
      return {
        key,
        type: TASK_TYPES[event.to],
        entityType: 'task',
        entityId: event.taskId,
        text: taskText(task, event.from, event.to, event.reason),
        // The reviewer agent looks first: its verdict (task.first_reviewed) is the news.
        ...(event.to === 'REVIEW' && task.firstReviewPending
          ? { suppress: 'awaiting_first_review' }
          : {}),
      };
    }
    case 'task.approved': {
      const { label } = await factsOf(event.taskId);
      return {
        key,
        type: 'task.approved',
        entityType: 'task',
        entityId: event.taskId,
        text: `${label} was approved by ${event.actor}${event.comments ? `: ${event.comments}` : ''}; it waits for its merge.`,
      };
    }
    case 'task.first_reviewed':
      return firstReviewed(key, event, factsOf);
    case 'mission.proposed': {
      const plan = await (plans(event.missionId) ?? proposalPlanText(env, event.missionId));
      return {
        key,
        type: 'mission.proposed',
        entityType: 'mission',
        entityId: event.missionId,
        // 'ceo': drafted in a conversation at an operator's request (worker/ceo/drafts).
        text: `New mission ${event.proposedBy === 'ceo' ? 'drafted by the CEO' : `proposed by ${event.proposedBy}`}: "${event.title}" (${event.tasks} task${event.tasks === 1 ? '' : 's'}). It waits for your approval.`,
        ...(plan ? { detail: plan } : {}),
      };
    }
    case 'mission.revised':
      return {
        key,
        type: 'mission.revised',
        entityType: 'mission',
        entityId: event.missionId,
        text: `Mission "${event.title}" (proposed by ${event.proposedBy}) was edited by ${event.actor} before approval: ${event.fields.join(', ')} changed, revision ${event.revision}${event.reason ? `: ${event.reason}` : ''}.`,
      };
    case 'mission.decided':
      return {
        key,
        type: event.verdict === 'APPROVED' ? 'mission.approved' : 'mission.rejected',
        entityType: 'mission',
        entityId: event.missionId,
        text: `Mission "${event.title}" was ${event.verdict === 'APPROVED' ? 'approved' : 'rejected'} by ${event.actor}${event.reason ? `: ${event.reason}` : ''}.`,
      };
    case 'mission.done':
    case 'mission.failed':
    case 'mission.cancelled': {
      const ended = {
        'mission.done': 'is done',
        'mission.failed': 'failed',
        'mission.cancelled': 'was cancelled',
      };
      const by = event.actor && event.actor !== 'hq' ? ` by ${event.actor}` : '';
      const next = event.type === 'mission.failed' ? ' Retry the task or cancel the mission.' : '';
      return {
        key,
        type: event.type,
        entityType: 'mission',
        entityId: event.missionId,
        text: `Mission "${event.title}" ${ended[event.type]}${by}${event.reason ? `: ${event.reason}` : ''}.${next}`,
      };
    }
    case 'agent.revised':
      return {
        key,
        type: 'agent.revised',
        entityType: 'agent',
        entityId: event.agentId,
        text:
          event.revision === 0
            ? `${await agentName(env, event.agentId)} joined the company.`
            : `${await agentName(env, event.agentId)} changed (${event.fields.join(', ')}), revision ${event.revision}, by ${event.actor}.`,
      };
    case 'agent.cooldown':
      return {
        key,
        type: 'agent.cooldown',
        entityType: 'agent',
        entityId: event.agentId,
        text: `${await agentName(env, event.agentId)} failed repeatedly and is cooling down until ${event.until}.`,
      };
    case 'routine.fired': {
      const type =
        event.status === 'skipped'
          ? 'routine.skipped'
          : event.status === 'failed'
            ? 'routine.failed'
            : 'routine.fired';
      const did = {
        proposed: 'proposed a mission',
        approved: 'started a pre-approved mission',
        planning: 'asked its agent to plan',
        skipped: 'was skipped',
        failed: 'failed',
      }[event.status];
      return {
        key,
        type,
        entityType: 'routine',
        entityId: event.routineId,
        text: `Routine "${event.name}" (${event.trigger}) ${did}${event.reason ? `: ${event.reason}` : ''}.`,
      };
    }
    case 'agent.asked':
      // About the question, not its task: two questions of one run are two messages (the
      // "already said that" check compares type and entity), and a reply names which one.
      return {
        key,
        type: 'agent.question',
        entityType: 'question',
        entityId: event.questionId,
        text: `❓ ${event.agentSlug} asks (task ${event.taskId.slice(0, 8)}): ${event.question}\n\nReply to this message to answer, or /answer ${event.questionId.slice(0, 8)} <answer>.`,
      };
    case 'agent.archived':
      return {
        key,
        type: 'agent.archived',
        entityType: 'agent',
        entityId: event.agentId,
        text: `${await agentName(env, event.agentId)} was archived by ${event.actor}.`,
      };
  }
}
