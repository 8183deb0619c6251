import { taskFirstReviewedStatement } from '../../events/outbox';
import { ApiError } from '../../http/errors';
import { parsePatch } from '../../patches/parse';
import { getPatch } from '../../patches/store';
import { knownCost } from '../../prices/price';
import { priceFor } from '../../prices/store';
import { readSettings } from '../../settings/store';
import { ledgerStatement } from '../../spend/ledger';
import { cancelReviewJobsStatement } from '../../tasks/transition';
import { type CommentInput, commentStatements } from '../comments/store';
import { failJobStatements, type JobFacts } from './ending';
import { applyPolicy } from './policy';

/** What a runner says of a review job it ran (POST /api/runner/reviews/{id}/report). */
export interface ReviewReport {
  outcome: 'success' | 'failure';
  verdict?: 'approve' | 'changes' | undefined;
  summary?: string | undefined;
  comments?: CommentInput[] | undefined;
  error?: string | undefined;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  provider: string;
  model: string;
}

interface Row {
  id: string;
  task_id: string;
  head_commit: string;
  status: string;
  runner_id: string | null;
  error: string | null;
  reviewer_agent_id: string;
  slug: string;
  task_status: string;
  verdict: string | null;
  task_head: string | null;
  runs: number;
  reviewer_rounds: number;
  scope_violations: string | null;
}

async function heldJob(db: D1Database, id: string, runner: { id: string; name: string }) {
  const row = await db
    .prepare(
      `SELECT j.id, j.task_id, j.head_commit, j.status, j.runner_id, j.error, j.reviewer_agent_id,
         a.slug, t.status AS task_status, t.verdict, t.head_commit AS task_head, t.runs,
         t.reviewer_rounds, t.scope_violations
       FROM review_jobs j JOIN agents a ON a.id = j.reviewer_agent_id JOIN tasks t ON t.id = j.task_id
       WHERE j.id = ?`,
    )
    .bind(id)
    .first<Row>();
  if (!row) throw new ApiError('not_found', `No review job ${id}.`);
  if (row.status !== 'RUNNING' || row.runner_id !== runner.id)
    throw new ApiError(
      'conflict',
      `Review job ${id} is ${row.status}${row.error ? ` (${row.error})` : ''} and not running on runner ${runner.name}.`,
    );
  if (row.task_status !== 'REVIEW' || row.verdict !== null || row.task_head !== row.head_commit) {
    await cancelReviewJobsStatement(
      db,
      row.task_id,
      'the task is no longer waiting in REVIEW at this head',
      Date.now(),
    ).run();
    throw new ApiError(
      'conflict',
      `Review job ${id} is cancelled: its task is no longer waiting in REVIEW at head ${row.head_commit.slice(0, 10)}.`,
    );
  }
  return row;
}

/**
 * A runner's report of a review job, while it holds it: the spend in the ledger (purpose
 * `review`, the reviewer's), then either the failure (the event says a person reviews alone)
 * or the verdict with its comments, the admin's policy applied, and task.first_reviewed.
 */
export async function applyReviewReport(
  env: Env,
  jobId: string,
  runner: { id: string; name: string },
  report: ReviewReport,
  requestId: string,
) {
  const db = env.DB;
  const row = await heldJob(db, jobId, runner);
  const now = Date.now();
  const job: JobFacts = {
    id: row.id,
    taskId: row.task_id,
    headCommit: row.head_commit,
    reviewerSlug: row.slug,
  };
  const price = report.costUsd === null ? await priceFor(env, report.provider, report.model) : null;
  const cost = knownCost(report.costUsd, report.inputTokens, report.outputTokens, price);
  const held = { sql: 'runner_id = ?', values: [runner.id] };
  const spend = [
    db
      .prepare(
        `UPDATE review_jobs SET input_tokens = ?, output_tokens = ?, cost_usd = ? WHERE id = ? AND status = 'RUNNING' AND runner_id = ?`,
      )
      .bind(report.inputTokens, report.outputTokens, cost.costUsd, job.id, runner.id),
    ledgerStatement(db, {
      agentId: row.reviewer_agent_id,
      provider: report.provider,
      model: report.model,
      purpose: 'review',
      taskId: job.taskId,
      inputTokens: report.inputTokens,
      outputTokens: report.outputTokens,
      cost,
      now,
    }),
  ];
  if (report.outcome === 'failure' || !report.verdict) {
    const error = report.error?.trim() || 'the reviewer wrote no verdict';
    await db.batch([...spend, ...failJobStatements(db, job, error, now, held)]);
    return { status: 'FAILED' as const, refused: [] as string[] };
  }
  const found = await getPatch(env.RUN_LOGS, job.taskId, job.headCommit);
  const parsed = parsePatch(found ? await new Response(found.body).text() : '');
  // The same checks as a person's comments: one on a line the patch does not show is refused.
  const { statements, refused } = commentStatements(db, {
    taskId: job.taskId,
    headCommit: job.headCommit,
    patch: parsed,
    comments: report.comments ?? [],
    author: `agent:${row.slug}`,
    reviewJobId: job.id,
    now,
  });
  const notKept = refused.map(
    (r) => `comment on ${r.comment.path}:${r.comment.line} not kept: ${r.reason}`,
  );
  const summary = [report.summary?.trim() ?? '', ...notKept].filter(Boolean).join('\n');
  const [, , done] = await db.batch([
    ...spend,
    db
      .prepare(
        `UPDATE review_jobs SET status = 'DONE', verdict = ?, summary = ?, finished_at = ?, lease_until = NULL
         WHERE id = ? AND status = 'RUNNING' AND runner_id = ?`,
      )
      .bind(report.verdict, summary || null, now, job.id, runner.id),
    ...statements,
  ]);
  if (done?.meta.changes !== 1)
    throw new ApiError('conflict', `Review job ${job.id} changed meanwhile.`);
  const outcome = await applyPolicy(
    env,
    (await readSettings(env)).review,
    {
      id: job.taskId,
      runs: row.runs,
      reviewerRounds: row.reviewer_rounds,
      scopeViolations: JSON.parse(row.scope_violations ?? '[]') as string[],
    },
    report.verdict,
    report.summary?.trim() ?? '',
    row.slug,
    requestId,
  );
  await db.batch([
    taskFirstReviewedStatement(
      db,
      {
        ...eventFacts(job),
        verdict: report.verdict,
        summary: summary || null,
        error: null,
        sentBack: outcome.sentBack,
        autoApproved: outcome.autoApproved,
      },
      now,
    ),
    ...(outcome.sentBack
      ? [
          db
            .prepare('UPDATE tasks SET reviewer_rounds = reviewer_rounds + 1 WHERE id = ?')
            .bind(job.taskId),
        ]
      : []),
    ...(outcome.note
      ? [
          db
            .prepare(
              "INSERT INTO task_events (task_id, actor, from_status, to_status, reason, created_at) VALUES (?, ?, 'REVIEW', 'REVIEW', ?, ?)",
            )
            .bind(job.taskId, `agent:${row.slug}`, outcome.note, now),
        ]
      : []),
  ]);
  return { status: 'DONE' as const, refused: notKept };
}

const eventFacts = (job: JobFacts) => ({
  taskId: job.taskId,
  jobId: job.id,
  headCommit: job.headCommit,
  reviewer: job.reviewerSlug,
});
