import type { TaskStatus } from '../tasks/state-machine';

/** A task changed state (every row of task_events has one). */
export interface TaskMoved {
  type: 'task.moved';
  taskId: string;
  from: TaskStatus | null;
  to: TaskStatus;
  actor: string;
  reason: string | null;
}

/** An agent's config changed: a new revision (0 at creation). */
export interface AgentRevised {
  type: 'agent.revised';
  agentId: string;
  slug: string;
  revision: number;
  fields: string[];
  actor: string;
}

/** An agent stopped taking work for a while after repeated failures. */
export interface AgentCooledDown {
  type: 'agent.cooldown';
  agentId: string;
  until: string;
}

/** An agent left the roster (its record stays). */
export interface AgentArchived {
  type: 'agent.archived';
  agentId: string;
  slug: string;
  actor: string;
}

/** Everything HQ publishes about its agents and tasks. Later parts subscribe to this union. */
export type DomainEvent = (TaskMoved | AgentRevised | AgentCooledDown | AgentArchived) & {
  id: number;
  at: string;
};
