import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { agents } from './agents';
import { epochMs, flag, json } from './columns';
import { MISSION_STATUSES, TASK_STATUSES } from './states';

export { MISSION_STATUSES, TASK_STATUSES, type TaskStatus } from './states';

/** How a path changed in a run (`git diff --raw`). */
export const NUMSTAT_CHANGES = ['added', 'deleted', 'modified', 'type-changed'] as const;

/** One changed path of a run (`git diff --no-renames --numstat` with `--raw`): a rename is two. */
export interface NumstatEntry {
  path: string;
  added: number;
  removed: number;
  change?: (typeof NUMSTAT_CHANGES)[number];
  /** Six octal digits (`100644`, `120000` symlink, `160000` submodule), when the runner knows them. */
  oldMode?: string;
  newMode?: string;
}

/** A task as proposed with its mission; it becomes a task row (PENDING) when the mission is approved. */
export interface TaskPlan {
  title: string;
  spec: string;
  expectedScope: string[];
  agentHint?: string | null;
  roleHint?: string | null;
}

export const missions = sqliteTable(
  'missions',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    brief: text('brief').notNull(),
    repository: text('repository').notNull(),
    targetBranch: text('target_branch').notNull().default('main'),
    budgetUsd: real('budget_usd'),
    /** Tokens in and out over the whole mission, for plans that bill no money per call. */
    budgetTokens: integer('budget_tokens'),
    status: text('status', { enum: MISSION_STATUSES }).notNull().default('PROPOSED'),
    proposedBy: text('proposed_by').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: epochMs('decided_at'),
    decisionReason: text('decision_reason'),
    /** The request that decided the mission: only that request creates its tasks. */
    decisionRequestId: text('decision_request_id'),
    /** Why the mission ended (DONE, FAILED or CANCELLED): a failure names its task. */
    finishReason: text('finish_reason'),
    finishedAt: epochMs('finished_at'),
    plan: json<TaskPlan[]>('plan').notNull().default([]),
    /** Edits before approval: 0 as proposed, then one numbered revision per edit. */
    revision: integer('revision').notNull().default(0),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [index('missions_status_idx').on(t.status, t.createdAt)],
);

export const tasks = sqliteTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    missionId: text('mission_id')
      .notNull()
      .references(() => missions.id),
    title: text('title').notNull(),
    spec: text('spec').notNull(),
    expectedScope: json<string[]>('expected_scope').notNull(),
    agentHint: text('agent_hint'),
    roleHint: text('role_hint'),
    agentId: text('agent_id').references(() => agents.id),
    status: text('status', { enum: TASK_STATUSES }).notNull().default('PENDING'),
    runnerId: text('runner_id'),
    branch: text('branch'),
    baseBranch: text('base_branch'),
    requeues: integer('requeues').notNull().default(0),
    timeoutSeconds: integer('timeout_seconds').notNull().default(300),
    phase: text('phase'),
    progress: real('progress'),
    logTail: text('log_tail'),
    /** The last meaningful line of the agent's output, from the runner's latest heartbeat. */
    lastLine: text('last_line'),
    /** How many times a runner has claimed the task; run N's log lives under its number. */
    runs: integer('runs').notNull().default(0),
    commits: json<string[]>('commits'),
    diffNumstat: json<NumstatEntry[]>('diff_numstat'),
    scopeViolations: json<string[]>('scope_violations'),
    reviewComments: text('review_comments'),
    /**
     * The commit the last report recorded as the run's result (`hq/<task id>` in the runner's
     * own repository): what the reviewer reviews and exactly what an approval merges.
     */
    headCommit: text('head_commit'),
    /** That head was also pushed to the repository's remote, so any serving runner can fetch it. */
    headPushed: flag('head_pushed').notNull().default(false),
    /** Set by review: `approve` means ready for the runner to merge. */
    verdict: text('verdict', { enum: ['approve', 'changes'] }),
    /** Times the reviewer agent sent the task back by itself (policy `reviewer_sends_back`). */
    reviewerRounds: integer('reviewer_rounds').notNull().default(0),
    // The merge lease of an approved task: one runner at a time merges it (POST /api/runner/verdicts).
    mergeRunnerId: text('merge_runner_id'),
    mergeLeaseUntil: epochMs('merge_lease_until'),
    failureReason: text('failure_reason'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costUsd: real('cost_usd').notNull().default(0),
    /** Finished runs whose cost nobody knows (tokens only, no price): not in `costUsd`. */
    unknownCostRuns: integer('unknown_cost_runs').notNull().default(0),
    /** Finished runs whose cost in `costUsd` was estimated from the price table. */
    estimatedCostRuns: integer('estimated_cost_runs').notNull().default(0),
    // The run in flight, from its heartbeats: what it has used so far (null: unknown). Only
    // read while the task is RUNNING; each claim starts them afresh.
    runInputTokens: integer('run_input_tokens'),
    runOutputTokens: integer('run_output_tokens'),
    runCostUsd: real('run_cost_usd'),
    lastHeartbeatAt: epochMs('last_heartbeat_at'),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
    finishedAt: epochMs('finished_at'),
  },
  (t) => [
    // Lists page by (created_at, id), newest first: the id settles equal timestamps, so each
    // list's index ends in both and a page never sorts.
    index('tasks_status_idx').on(t.status, t.createdAt, t.id),
    index('tasks_mission_idx').on(t.missionId),
    // Dispatch reads (agent, status); the board's column of one agent reads on in list order.
    index('tasks_agent_idx').on(t.agentId, t.status, t.createdAt, t.id),
    // The task list's default order (newest first, unfiltered): without it every page sorts
    // the whole table.
    index('tasks_created_idx').on(t.createdAt, t.id),
    // The board's counts by state and verdict (to review, awaiting merge) read this index
    // alone. Not a tally kept by triggers: D1 counts a trigger's writes in meta.changes, which
    // the work loop's compare-and-set updates check for exactly 1.
    index('tasks_status_verdict_idx').on(t.status, t.verdict),
  ],
);

/** Every transition of a task: who, when, from, to, why. */
export const taskEvents = sqliteTable(
  'task_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    actor: text('actor').notNull(),
    fromStatus: text('from_status', { enum: TASK_STATUSES }),
    toStatus: text('to_status', { enum: TASK_STATUSES }).notNull(),
    reason: text('reason'),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [
    index('task_events_task_idx').on(t.taskId, t.id),
    // Throughput: the moves into DONE by day, without reading every event.
    index('task_events_to_idx').on(t.toStatus, t.createdAt),
  ],
);

/** Registered runners. Only the SHA-256 of the bearer token is kept. */
export const runners = sqliteTable('runners', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdBy: text('created_by').notNull(),
  createdAt: epochMs('created_at').notNull(),
  lastSeenAt: epochMs('last_seen_at'),
  revokedAt: epochMs('revoked_at'),
  /** What the runner said it can run when it started: [{preset, version}]; null: never said. */
  capabilities: json<{ preset: string; version: string | null }[]>('capabilities'),
  capabilitiesAt: epochMs('capabilities_at'),
  /** The runner CLI's own version, as it said with its capabilities; null: an older runner. */
  runnerVersion: text('runner_version'),
  /** The repositories it serves ([{name, pushes}]); null: never said. It claims only their tasks. */
  repositories: json<{ name: string; pushes: boolean }[]>('repositories'),
  // Its disk as it last said (claim or heartbeat): free bytes where its clones live, and how many.
  freeDiskBytes: integer('free_disk_bytes'),
  clones: integer('clones'),
  diskAt: epochMs('disk_at'),
});

export const COST_SOURCES = ['reported', 'price_table', 'builtin'] as const;

/**
 * What a million tokens cost, per provider and model: turns the tokens of a CLI that reports
 * no money into money. Edited by admins; read when a run reports or beats.
 */
export const prices = sqliteTable(
  'prices',
  {
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    inputPerMillionUsd: real('input_per_million_usd').notNull(),
    outputPerMillionUsd: real('output_per_million_usd').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.model] })],
);

/**
 * Money and tokens, one row per report or model call. A null is unknown, not zero: a CLI
 * that reports no money (or no tokens) leaves it null until a price is known, and sums skip it.
 */
export const spendLedger = sqliteTable(
  'spend_ledger',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    agentId: text('agent_id'),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    /** What the money was for: task, chat, voice, vision, transcription, briefing... */
    purpose: text('purpose').notNull(),
    taskId: text('task_id'),
    // Billed by the minute or the call (transcription), a row has no tokens: 0 by default.
    inputTokens: integer('input_tokens').default(0),
    outputTokens: integer('output_tokens').default(0),
    // No default: whoever writes a row says what it cost, or null when nobody knows.
    costUsd: real('cost_usd'),
    /**
     * Where a known cost came from: `reported` by the CLI that made the calls; `price_table`,
     * estimated from tokens with the price table as it was then; `builtin`, HQ's own model
     * calls priced from its built-in list. Null while the cost is unknown.
     */
    costSource: text('cost_source', { enum: COST_SOURCES }),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [
    index('spend_agent_idx').on(t.agentId, t.createdAt),
    index('spend_time_idx').on(t.createdAt),
    // A mission's spend (heartbeat budget checks, dispatch, the mission page) is read by task.
    index('spend_task_idx').on(t.taskId),
  ],
);

/**
 * The ledger's running sums, kept by a trigger on every ledger insert (migration 0023): an
 * agent's spend per calendar month (UTC) and a mission's spend so far. Dispatch and every
 * budget check read one row here instead of summing the ledger on each call; the ledger only
 * grows (nothing updates or deletes its rows), so the sums never drift from it.
 */
export const agentMonthSpend = sqliteTable(
  'agent_month_spend',
  {
    agentId: text('agent_id').notNull(),
    /** The first millisecond of the month (UTC) the rows were written in. */
    monthStart: epochMs('month_start').notNull(),
    costUsd: real('cost_usd').notNull().default(0),
    tokens: integer('tokens').notNull().default(0),
    /** Rows whose cost is unknown: their money is in no sum. */
    unknownCost: integer('unknown_cost').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.monthStart] })],
);

export const missionSpend = sqliteTable('mission_spend', {
  missionId: text('mission_id').primaryKey(),
  costUsd: real('cost_usd').notNull().default(0),
  tokens: integer('tokens').notNull().default(0),
  unknownCost: integer('unknown_cost').notNull().default(0),
});
