import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import { agents } from './agents';
import { epochMs, json } from './columns';
import type { TaskPlan } from './work';
import { missions, tasks } from './work';

export const ROUTINE_KINDS = ['mission', 'planning'] as const;
/** skip_if_open: a fire is skipped while the last fire's mission is PROPOSED or APPROVED. */
export const ROUTINE_CONCURRENCY = ['skip_if_open', 'always'] as const;
/** After downtime: skip every missed cron fire, or run one for all of them. */
export const ROUTINE_CATCH_UP = ['skip', 'run_one'] as const;

/** What a `mission` routine proposes on each fire (ProposeMission's fields). */
export interface MissionTemplate {
  title: string;
  brief: string;
  repository: string;
  targetBranch: string;
  budgetUsd: number | null;
  budgetTokens: number | null;
  tasks: TaskPlan[];
}

/**
 * Recurring work. A `mission` routine proposes its template on each fire; a `planning` routine
 * asks its agent (LEAD or CEO-type) to read a repository and propose missions itself. Fires
 * come from a cron schedule in a time zone, a webhook, or an API call.
 */
export const routines = sqliteTable(
  'routines',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ROUTINE_KINDS }).notNull(),
    /** kind `mission`: the mission each fire proposes. Null for `planning`. */
    template: json<MissionTemplate>('template'),
    /** kind `planning`: the agent whose run proposes missions, and the repository it reads. */
    agentId: text('agent_id').references(() => agents.id),
    repository: text('repository'),
    targetBranch: text('target_branch').notNull().default('main'),
    /** Five-field cron expression read in `timeZone`; null: no schedule (webhook or API only). */
    cron: text('cron'),
    timeZone: text('time_zone').notNull().default('UTC'),
    /** The webhook's HMAC secret, sealed (worker/secrets/seal.ts); null: no webhook. */
    webhookSecretSealed: text('webhook_secret_sealed'),
    /** Fires approve their mission at once; set by an operator (audited), who is kept here. */
    preApprovedBy: text('pre_approved_by'),
    concurrency: text('concurrency', { enum: ROUTINE_CONCURRENCY })
      .notNull()
      .default('skip_if_open'),
    catchUp: text('catch_up', { enum: ROUTINE_CATCH_UP }).notNull().default('skip'),
    pausedAt: epochMs('paused_at'),
    pausedBy: text('paused_by'),
    /**
     * The cron clock's cursor: every scheduled time at or before it has been considered
     * (fired, skipped or missed). Set to the creation time, and on each resume.
     */
    cronCursor: epochMs('cron_cursor'),
    /** The next scheduled time after the cursor (null: no schedule or paused); for the page. */
    nextRunAt: epochMs('next_run_at'),
    revision: integer('revision').notNull().default(0),
    createdBy: text('created_by').notNull(),
    archivedAt: epochMs('archived_at'),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [index('routines_next_run_idx').on(t.nextRunAt)],
);

/** A routine's permanent record: one numbered revision per change, like agents'. */
export const routineRevisions = sqliteTable(
  'routine_revisions',
  {
    routineId: text('routine_id')
      .notNull()
      .references(() => routines.id),
    number: integer('number').notNull(),
    actor: text('actor').notNull(),
    reason: text('reason'),
    before: json<Record<string, unknown>>('before'),
    after: json<Record<string, unknown>>('after').notNull(),
    diff: json<unknown[]>('diff').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.routineId, t.number] })],
);

export const ROUTINE_TRIGGERS = ['cron', 'webhook', 'api'] as const;
/**
 * proposed / approved: a mission was created (approved at once for a pre-approved routine);
 * planning: a planning job was queued; skipped: nothing was started, `reason` says why;
 * failed: the fire could not start its work, `reason` says why.
 */
export const ROUTINE_FIRE_STATUSES = [
  'proposed',
  'approved',
  'planning',
  'skipped',
  'failed',
] as const;

/**
 * One fire of a routine. `fireKey` makes a fire happen once: `cron:<scheduled ISO time>`,
 * `webhook:<delivery id>`, `api:<idempotency key>`; a second insert of the same key fails.
 */
export const routineFires = sqliteTable(
  'routine_fires',
  {
    id: text('id').primaryKey(),
    routineId: text('routine_id')
      .notNull()
      .references(() => routines.id),
    fireKey: text('fire_key').notNull(),
    trigger: text('trigger', { enum: ROUTINE_TRIGGERS }).notNull(),
    /** The cron time it stands for; for webhook and API fires, when it arrived. */
    scheduledFor: epochMs('scheduled_for').notNull(),
    status: text('status', { enum: ROUTINE_FIRE_STATUSES }).notNull(),
    reason: text('reason'),
    missionId: text('mission_id').references(() => missions.id),
    planningJobId: text('planning_job_id'),
    /** Who fired it: `cron`, `webhook`, or the API caller's email or token. */
    actor: text('actor').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('routine_fires_key_idx').on(t.routineId, t.fireKey),
    index('routine_fires_routine_idx').on(t.routineId, t.createdAt),
  ],
);

/**
 * A repository as one runner that serves it last saw it: the head of its default branch and
 * its tracked files (capped), so the CEO drafts scopes from real paths and planning runs know
 * whether anything changed.
 */
export const repositorySnapshots = sqliteTable(
  'repository_snapshots',
  {
    repository: text('repository').notNull(),
    runnerId: text('runner_id').notNull(),
    branch: text('branch').notNull(),
    headCommit: text('head_commit').notNull(),
    files: json<string[]>('files').notNull(),
    /** Tracked files in the repository; above files.length when the list was cut. */
    fileCount: integer('file_count').notNull(),
    reportedAt: epochMs('reported_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.repository, t.runnerId] })],
);

export const PLANNING_JOB_STATUSES = ['QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED'] as const;

/** A planning routine's run: its agent reads the repository and proposes missions. */
export const planningJobs = sqliteTable(
  'planning_jobs',
  {
    id: text('id').primaryKey(),
    routineId: text('routine_id')
      .notNull()
      .references(() => routines.id),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    repository: text('repository').notNull(),
    targetBranch: text('target_branch').notNull(),
    status: text('status', { enum: PLANNING_JOB_STATUSES }).notNull().default('QUEUED'),
    /** What the run was asked about: the repository head and the open missions, hashed. */
    fingerprint: text('fingerprint').notNull(),
    runnerId: text('runner_id'),
    leaseUntil: epochMs('lease_until'),
    attempts: integer('attempts').notNull().default(0),
    /** Missions it proposed, and proposals merged into an open mission instead. */
    proposed: integer('proposed').notNull().default(0),
    merged: integer('merged').notNull().default(0),
    error: text('error'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    costUsd: real('cost_usd'),
    createdAt: epochMs('created_at').notNull(),
    startedAt: epochMs('started_at'),
    finishedAt: epochMs('finished_at'),
  },
  (t) => [
    index('planning_jobs_status_idx').on(t.status, t.createdAt),
    index('planning_jobs_routine_idx').on(t.routineId, t.createdAt),
  ],
);

/**
 * A question an agent asked the operator during a run (through HQ's MCP server), carried by
 * the CEO to Telegram and the web chat; the agent reads the answer back.
 */
export const agentQuestions = sqliteTable(
  'agent_questions',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    agentSlug: text('agent_slug').notNull(),
    /** The run (tasks.runs) that asked. */
    run: integer('run').notNull(),
    question: text('question').notNull(),
    answer: text('answer'),
    answeredBy: text('answered_by'),
    askedAt: epochMs('asked_at').notNull(),
    answeredAt: epochMs('answered_at'),
  },
  (t) => [index('agent_questions_task_idx').on(t.taskId, t.askedAt)],
);
