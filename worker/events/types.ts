import type { TaskStatus } from '../../drizzle/schema';

/** A task changed state (every row of task_events has one). */
export interface TaskMoved {
  type: 'task.moved';
  taskId: string;
  from: TaskStatus | null;
  to: TaskStatus;
  actor: string;
  reason: string | null;
  /** Set when the CEO tells this kind of move apart: a run stopped because a budget was passed. */
  cause?: 'budget';
}

/**
 * A reviewer approved a task in REVIEW: it stays there, marked for its runner to merge, and
 * the merge makes it DONE. The decision is made now, so its messages say so now.
 */
export interface TaskApproved {
  type: 'task.approved';
  taskId: string;
  actor: string;
  comments: string | null;
}

/**
 * The reviewer agent's first pass over a task's head ended (worker/reviews/jobs): its verdict
 * and summary (DONE), or why it gave none (FAILED: `error`). `sentBack`: the policy sent the
 * task back by itself (a CHANGES_REQUESTED move follows); otherwise a person decides now.
 */
export interface TaskFirstReviewed {
  type: 'task.first_reviewed';
  taskId: string;
  jobId: string;
  headCommit: string;
  reviewer: string;
  verdict: 'approve' | 'changes' | null;
  summary: string | null;
  error: string | null;
  sentBack: boolean;
  /** It approved, the scope was clean and the admin's setting merged it with no person. */
  autoApproved: boolean;
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

/** A mission was proposed and waits for the operator. */
export interface MissionProposed {
  type: 'mission.proposed';
  missionId: string;
  title: string;
  proposedBy: string;
  tasks: number;
}

/** A proposed mission's plan was edited before approval (a new numbered revision). */
export interface MissionRevised {
  type: 'mission.revised';
  missionId: string;
  title: string;
  revision: number;
  /** The tracked fields that changed (brief, tasks, budgetUsd…). */
  fields: string[];
  actor: string;
  reason: string | null;
  /** Who proposed it: told what changed. */
  proposedBy: string;
}

/** The operator approved or rejected a mission. */
export interface MissionDecided {
  type: 'mission.decided';
  missionId: string;
  title: string;
  verdict: 'APPROVED' | 'REJECTED';
  actor: string;
  reason: string | null;
}

/**
 * A mission ended: every task done or cancelled (`mission.done`, or `mission.cancelled` when
 * none was done or an operator cancelled it), or one of its tasks failed (`mission.failed`,
 * `taskId` names it). `actor` is `hq` when the tasks ended it, else the operator.
 */
export interface MissionEnded {
  type: 'mission.done' | 'mission.failed' | 'mission.cancelled';
  missionId: string;
  title: string;
  reason: string | null;
  taskId?: string;
  actor?: string;
}

/**
 * A routine fired (worker/routines): it proposed a mission (approved at once when the routine
 * is pre-approved), queued a planning run, or was skipped or failed for `reason`.
 */
export interface RoutineFired {
  type: 'routine.fired';
  routineId: string;
  name: string;
  fireId: string;
  trigger: 'cron' | 'webhook' | 'api';
  status: 'proposed' | 'approved' | 'planning' | 'skipped' | 'failed';
  reason: string | null;
  missionId: string | null;
}

/** An agent asked the operator a question mid-run (HQ's MCP server); it waits for the answer. */
export interface AgentAsked {
  type: 'agent.asked';
  questionId: string;
  taskId: string;
  agentSlug: string;
  question: string;
}

/** Everything HQ publishes about its agents, missions and tasks. The CEO and the office follow it. */
export type DomainEvent = (
  | TaskMoved
  | TaskApproved
  | TaskFirstReviewed
  | AgentRevised
  | AgentCooledDown
  | AgentArchived
  | MissionProposed
  | MissionRevised
  | MissionDecided
  | MissionEnded
  | RoutineFired
  | AgentAsked
) & {
  id: number;
  at: string;
};
