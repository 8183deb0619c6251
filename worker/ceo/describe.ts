import type { DomainEvent } from '../events/types';
import type { NotificationType } from '../notifications/catalog';
import type { TaskStatus } from '../tasks/state-machine';

/** Something the CEO may tell the operator about, in plain words, before tiering. */
export interface Happening {
  /** Stable id of the cause: the notification id, so the same cause is stored once. */
  key: string;
  type: NotificationType;
  entityType: string;
  entityId: string;
  text: string;
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

/** The task in words, and the head commit its last run recorded (what approval merges). */
async function taskLabel(
  env: Env,
  taskId: string,
): Promise<{ label: string; head: string | null }> {
  const row = await env.DB.prepare(
    `SELECT t.title, a.name AS agent, t.head_commit AS head FROM tasks t LEFT JOIN agents a ON a.id = t.agent_id WHERE t.id = ?`,
  )
    .bind(taskId)
    .first<{ title: string; agent: string | null; head: string | null }>();
  if (!row) return { label: `Task ${taskId}`, head: null };
  return { label: `Task "${row.title}"${row.agent ? ` (${row.agent})` : ''}`, head: row.head };
}

/** A task ready for review: the commit it is at, and what approving it does. */
function reviewText(label: string, head: string | null, again: string | null): string {
  const short = head?.slice(0, 10);
  const at = short ? ` at commit ${short}` : '';
  const approve = short ? ` Approve merges ${short}.` : '';
  return again
    ? `${label} needs review again${at}: ${again}.${approve}`
    : `${label} is ready for review${at}.${approve}`;
}

async function agentName(env: Env, agentId: string): Promise<string> {
  const row = await env.DB.prepare('SELECT name, slug FROM agents WHERE id = ?')
    .bind(agentId)
    .first<{ name: string; slug: string }>();
  return row ? `${row.name} (${row.slug})` : `Agent ${agentId}`;
}

function taskText(
  { label, head }: { label: string; head: string | null },
  from: TaskStatus | null,
  to: TaskStatus,
  reason: string | null,
): string {
  const why = reason ? `: ${reason}` : '';
  switch (to) {
    case 'PENDING':
      return `${label} is waiting for an agent${why}.`;
    case 'ASSIGNED':
      return `${label} was assigned.`;
    case 'RUNNING':
      return `${label} started.`;
    case 'REVIEW':
      // REVIEW → REVIEW: the approved commit was not the branch's head at the merge.
      return reviewText(label, head, from === 'REVIEW' ? reason : null);
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
export async function describe(env: Env, event: DomainEvent): Promise<Happening> {
  const key = `event-${event.id}`;
  switch (event.type) {
    case 'task.moved': {
      const task = await taskLabel(env, event.taskId);
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
      };
    }
    case 'task.approved': {
      const { label } = await taskLabel(env, event.taskId);
      return {
        key,
        type: 'task.approved',
        entityType: 'task',
        entityId: event.taskId,
        text: `${label} was approved by ${event.actor}${event.comments ? `: ${event.comments}` : ''}; it waits for its merge.`,
      };
    }
    case 'task.first_reviewed': {
      const task = await taskLabel(env, event.taskId);
      const said = event.verdict
        ? `${event.reviewer} ${event.verdict === 'approve' ? 'approves' : 'asks for changes'}: ${event.summary ?? 'no summary'}`
        : `${event.reviewer} gave no verdict (${event.error ?? 'no reason'})`;
      return {
        key,
        type: event.sentBack ? 'task.changes_requested' : 'task.review',
        entityType: 'task',
        entityId: event.taskId,
        text: `${reviewText(task.label, event.headCommit, null)} First review: ${said}.`,
      };
    }
    case 'mission.proposed':
      return {
        key,
        type: 'mission.proposed',
        entityType: 'mission',
        entityId: event.missionId,
        text: `New mission proposed by ${event.proposedBy}: "${event.title}" (${event.tasks} task${event.tasks === 1 ? '' : 's'}). It waits for your approval.`,
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
