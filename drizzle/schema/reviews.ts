import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { agents } from './agents';
import { epochMs } from './columns';
import { tasks } from './work';

/**
 * A comment on a line or a range of a task's diff, by a person or by the reviewer agent. It
 * belongs to the head commit it was written against; `context` is the code around it as the
 * patch of that head showed it, kept so the next round's prompt can quote it.
 */
export const reviewComments = sqliteTable(
  'review_comments',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    headCommit: text('head_commit').notNull(),
    path: text('path').notNull(),
    /** The range's first and last line (equal for one line), on the side named by `side`. */
    line: integer('line').notNull(),
    endLine: integer('end_line').notNull(),
    /** `new`: a line of the head (added or context); `old`: a removed line of the base. */
    side: text('side', { enum: ['new', 'old'] })
      .notNull()
      .default('new'),
    body: text('body').notNull(),
    context: text('context').notNull(),
    /** A person's email, or `agent:<slug>` for the reviewer agent. */
    author: text('author').notNull(),
    /** Set for the reviewer agent's comments: the review job that wrote it. */
    reviewJobId: text('review_job_id'),
    /** The run (tasks.runs of the round it went to) whose prompt carried it; null: not sent. */
    sentInRun: integer('sent_in_run'),
    /** After that round: 1 the new diff changed its lines, 0 it did not; null not known yet. */
    touched: integer('touched'),
    /** The head of the round that settled `touched`. */
    touchedHead: text('touched_head'),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [index('review_comments_task_idx').on(t.taskId, t.createdAt)],
);

export const REVIEW_JOB_STATUSES = ['QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED'] as const;

/**
 * The reviewer agent's first pass over one head of a task: queued when the task reaches
 * REVIEW, leased by a runner that can run the reviewer's executor, ended by its verdict.
 */
export const reviewJobs = sqliteTable(
  'review_jobs',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    headCommit: text('head_commit').notNull(),
    reviewerAgentId: text('reviewer_agent_id')
      .notNull()
      .references(() => agents.id),
    status: text('status', { enum: REVIEW_JOB_STATUSES }).notNull().default('QUEUED'),
    runnerId: text('runner_id'),
    /** A RUNNING job whose runner is silent past this goes back to QUEUED; then: queued since. */
    leaseUntil: epochMs('lease_until'),
    attempts: integer('attempts').notNull().default(0),
    verdict: text('verdict', { enum: ['approve', 'changes'] }),
    summary: text('summary'),
    /** Why the job failed (no verdict written, the executor failed, no runner…). */
    error: text('error'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    costUsd: real('cost_usd'),
    createdAt: epochMs('created_at').notNull(),
    startedAt: epochMs('started_at'),
    finishedAt: epochMs('finished_at'),
  },
  (t) => [
    index('review_jobs_status_idx').on(t.status, t.createdAt),
    index('review_jobs_task_idx').on(t.taskId, t.createdAt),
  ],
);
