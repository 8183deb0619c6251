// Plain data shared by the worker and the web app (no runtime dependencies, so the web
// bundle can import it): what the CEO can be told about, and how loudly by default.

export const NOTIFICATION_TIERS = ['IMMEDIATE', 'DIGEST', 'SILENT'] as const;
export type Tier = (typeof NOTIFICATION_TIERS)[number];

/**
 * The kinds of event the CEO sorts into tiers. Task moves are named by where the task went,
 * except a run stopped because a budget was passed (`task.budget_stopped`, a failure of its own).
 */
export const NOTIFICATION_TYPES = [
  'mission.proposed',
  'mission.revised',
  'mission.approved',
  'mission.rejected',
  'mission.done',
  'mission.failed',
  'mission.cancelled',
  'task.queued',
  'task.assigned',
  'task.started',
  'task.review',
  'task.approved',
  'task.changes_requested',
  'task.done',
  'task.failed',
  'task.budget_stopped',
  'task.cancelled',
  'agent.revised',
  'agent.cooldown',
  'agent.archived',
  'agent.question',
  'routine.fired',
  'routine.skipped',
  'routine.failed',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface TierRule {
  tier: Tier;
  /** Low-signal events only matter in numbers: the digest quality gate weighs them. */
  lowSignal: boolean;
}

/** The rules table in force until an admin edits it in settings. */
export const DEFAULT_TIER_RULES: Record<NotificationType, TierRule> = {
  'mission.proposed': { tier: 'IMMEDIATE', lowSignal: false },
  // An operator edited a proposal before deciding: the proposer learns what changed.
  'mission.revised': { tier: 'DIGEST', lowSignal: true },
  'mission.approved': { tier: 'DIGEST', lowSignal: true },
  'mission.rejected': { tier: 'DIGEST', lowSignal: true },
  // The end of a mission is what the operator waited for (done) or must act on (failed).
  'mission.done': { tier: 'IMMEDIATE', lowSignal: false },
  'mission.failed': { tier: 'IMMEDIATE', lowSignal: false },
  'mission.cancelled': { tier: 'DIGEST', lowSignal: true },
  'task.queued': { tier: 'SILENT', lowSignal: true },
  'task.assigned': { tier: 'SILENT', lowSignal: true },
  'task.started': { tier: 'SILENT', lowSignal: true },
  'task.review': { tier: 'DIGEST', lowSignal: false },
  // Approved in review, waiting for its merge: the merge (task.done) is the news.
  'task.approved': { tier: 'SILENT', lowSignal: true },
  'task.changes_requested': { tier: 'DIGEST', lowSignal: true },
  'task.done': { tier: 'DIGEST', lowSignal: true },
  'task.failed': { tier: 'IMMEDIATE', lowSignal: false },
  // Money or tokens ran out mid-run: the operator decides whether to raise the budget.
  'task.budget_stopped': { tier: 'IMMEDIATE', lowSignal: false },
  'task.cancelled': { tier: 'DIGEST', lowSignal: true },
  'agent.revised': { tier: 'DIGEST', lowSignal: true },
  'agent.cooldown': { tier: 'IMMEDIATE', lowSignal: false },
  'agent.archived': { tier: 'DIGEST', lowSignal: true },
  // An agent is waiting on the operator's answer mid-run.
  'agent.question': { tier: 'IMMEDIATE', lowSignal: false },
  // A routine's proposal arrives as mission.proposed; the fire itself is bookkeeping.
  'routine.fired': { tier: 'DIGEST', lowSignal: true },
  'routine.skipped': { tier: 'SILENT', lowSignal: true },
  'routine.failed': { tier: 'IMMEDIATE', lowSignal: false },
};

/** Why a notification was not sent: shown in the app, so the operator sees why the CEO kept quiet. */
export const SUPPRESSION_REASONS: Record<string, string> = {
  silent_tier: 'The rules table says this kind of event is never sent.',
  duplicate_immediate: 'The same event about the same thing was sent a moment ago.',
  weak_singleton: 'A single low-signal event is not worth a message.',
  thin_low_signal_batch: 'Fewer than 3 low-signal events, about fewer than 2 things.',
  duplicate_digest: 'This digest says exactly what the last one said.',
  duplicate_finding: 'The same finding was reported recently.',
  operator_active: 'The operator wrote in the last 90 seconds: no interruptions.',
  recent_send_failure: 'A proactive message failed in the last 5 minutes.',
  too_soon: 'Another proactive message went out less than 3 minutes ago.',
  muted: 'Notifications are muted.',
  awaiting_first_review: 'The reviewer agent reviews first; the CEO tells you after.',
};
