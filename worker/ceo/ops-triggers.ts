import type { SettingsValue } from '../settings/schema';
import { stuckTasks } from '../tasks/why/explain';
import { stuckLine } from '../tasks/why/text';

/** One thing the ops scan noticed. `subject` names the situation, for dedup layer 3. */
export interface Finding {
  trigger: OpsTrigger;
  subject: string;
  text: string;
}

export const OPS_TRIGGERS = [
  'dispatch_drift',
  'worker_lag',
  'budget_headroom',
  'review_queue',
  'agent_health',
  'worktree_congestion',
  'failure_rate',
  'staleness',
  'stuck_tasks',
] as const;
export type OpsTrigger = (typeof OPS_TRIGGERS)[number];

type Thresholds = SettingsValue['thresholds'];
type Check = (env: Env, t: Thresholds, now: number) => Promise<Finding | null>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Below this many finished tasks in a day, a failure rate means nothing. */
const MIN_FINISHED_FOR_RATE = 3;

async function ids(env: Env, sql: string, ...params: unknown[]) {
  const { results } = await env.DB.prepare(sql)
    .bind(...params)
    .all<{ id: string; title: string }>();
  return results;
}

function some(rows: { id: string; title: string }[]) {
  const names = rows.slice(0, 3).map((r) => `"${r.title}"`);
  return `${names.join(', ')}${rows.length > 3 ? ` and ${rows.length - 3} more` : ''}`;
}

const subjectOf = (rows: { id: string }[]) =>
  rows
    .map((r) => r.id)
    .sort()
    .join(',');

/**
 * The triggers of the proactive ops scan, each against its threshold from settings. A trigger
 * fires when its measure reaches the threshold: a count or a rate at it, an age of it. The
 * last names every task stuck at a gate (worker/tasks/why) for stuckTaskMinutes in its state.
 */
export const CHECKS: Record<OpsTrigger, Check> = {
  async dispatch_drift(env, t, now) {
    const rows = await ids(
      env,
      `SELECT id, title FROM tasks WHERE status = 'ASSIGNED' AND updated_at <= ? ORDER BY updated_at`,
      now - t.dispatchDriftMinutes * MINUTE,
    );
    if (!rows.length) return null;
    return {
      trigger: 'dispatch_drift',
      subject: subjectOf(rows),
      text: `${rows.length} task(s) assigned for ${t.dispatchDriftMinutes} minutes or more without a runner picking them up: ${some(rows)}.`,
    };
  },
  async worker_lag(env, t, now) {
    const row = await env.DB.prepare(
      `SELECT (SELECT COUNT(*) FROM tasks WHERE status IN ('PENDING', 'ASSIGNED')) AS waiting,
              (SELECT MAX(last_seen_at) FROM runners WHERE revoked_at IS NULL) AS seen`,
    ).first<{ waiting: number; seen: number | null }>();
    if (!row || row.waiting === 0) return null;
    if (row.seen !== null && row.seen > now - t.workerLagMinutes * MINUTE) return null;
    const when = row.seen === null ? 'no runner has ever checked in' : 'no runner has checked in';
    return {
      trigger: 'worker_lag',
      subject: `seen:${row.seen ?? 'never'}`,
      text: `${row.waiting} task(s) are waiting and ${when} for ${t.workerLagMinutes} minutes or more.`,
    };
  },
  async budget_headroom(env, t, now) {
    const month = new Date(now).toISOString().slice(0, 7);
    const row = await env.DB.prepare(
      `SELECT (SELECT COALESCE(SUM(monthly_budget_usd), 0) FROM agents WHERE archived_at IS NULL) AS budget,
              (SELECT COALESCE(SUM(cost_usd), 0) FROM spend_ledger WHERE created_at >= ?) AS spent`,
    )
      .bind(Date.parse(`${month}-01T00:00:00Z`))
      .first<{ budget: number; spent: number }>();
    if (!row || row.budget <= 0) return null;
    // Multiplied before dividing: 15 of 100 left is exactly 15%, not 15.000000000000002%.
    const left = ((row.budget - row.spent) * 100) / row.budget;
    if (left > t.budgetHeadroomPercent) return null;
    return {
      trigger: 'budget_headroom',
      subject: `month:${month}`,
      text: `Spend this month is $${row.spent.toFixed(2)} of $${row.budget.toFixed(2)}: ${Math.max(left, 0).toFixed(0)}% left, at or under the ${t.budgetHeadroomPercent}% headroom.`,
    };
  },
  async review_queue(env, t) {
    const rows = await ids(
      env,
      `SELECT id, title FROM tasks WHERE status = 'REVIEW' ORDER BY updated_at`,
    );
    if (rows.length < t.reviewQueueDepth) return null;
    return {
      trigger: 'review_queue',
      subject: subjectOf(rows),
      text: `${rows.length} task(s) wait for review (threshold ${t.reviewQueueDepth}): ${some(rows)}.`,
    };
  },
  async agent_health(env, t, now) {
    const rows = await ids(
      env,
      `SELECT id, name AS title FROM agents WHERE archived_at IS NULL AND cooldown_until > ?`,
      now,
    );
    if (rows.length < t.agentCooldowns) return null;
    return {
      trigger: 'agent_health',
      subject: subjectOf(rows),
      text: `${rows.length} agent(s) are cooling down after repeated failures: ${some(rows)}.`,
    };
  },
  async worktree_congestion(env, t) {
    const rows = await ids(
      env,
      `SELECT id, title FROM tasks WHERE status IN ('ASSIGNED', 'RUNNING', 'REVIEW', 'CHANGES_REQUESTED')`,
    );
    if (rows.length < t.worktreeCongestion) return null;
    return {
      trigger: 'worktree_congestion',
      subject: `open:${rows.length}`,
      text: `${rows.length} worktrees are open (threshold ${t.worktreeCongestion}): work is piling up before review and merge.`,
    };
  },
  async failure_rate(env, t, now) {
    const row = await env.DB.prepare(
      `SELECT SUM(status = 'FAILED') AS failed, COUNT(*) AS finished FROM tasks
       WHERE status IN ('DONE', 'FAILED') AND finished_at >= ?`,
    )
      .bind(now - 24 * HOUR)
      .first<{ failed: number | null; finished: number }>();
    const failed = row?.failed ?? 0;
    const finished = row?.finished ?? 0;
    if (finished < MIN_FINISHED_FOR_RATE) return null;
    const rate = (failed / finished) * 100;
    if (rate < t.failureRatePercent) return null;
    return {
      trigger: 'failure_rate',
      subject: `failed:${failed}/${finished}`,
      text: `${failed} of ${finished} tasks finished in the last 24 hours failed (${rate.toFixed(0)}%, threshold ${t.failureRatePercent}%).`,
    };
  },
  async staleness(env, t, now) {
    const rows = await ids(
      env,
      `SELECT id, title FROM tasks WHERE status NOT IN ('DONE', 'FAILED', 'CANCELLED') AND created_at <= ?
       ORDER BY created_at`,
      now - t.stalenessHours * HOUR,
    );
    if (!rows.length) return null;
    return {
      trigger: 'staleness',
      subject: subjectOf(rows),
      text: `${rows.length} task(s) are ${t.stalenessHours} hours old or more and near the 48-hour limit: ${some(rows)}.`,
    };
  },
  async stuck_tasks(env, t, now) {
    const since = new Date(now - t.stuckTaskMinutes * MINUTE).toISOString();
    const stuck = (await stuckTasks(env, now)).filter((w) => w.since <= since);
    if (!stuck.length) return null;
    const named = stuck.slice(0, 3).map(stuckLine);
    return {
      trigger: 'stuck_tasks',
      // The task and its gate: the same task stuck for another reason is news again.
      subject: stuck
        .map((w) => `${w.taskId}:${w.firstFailing?.id}`)
        .sort()
        .join(','),
      text: `${stuck.length} task(s) are stuck for ${t.stuckTaskMinutes} minutes or more: ${named.join(', ')}${stuck.length > 3 ? ` and ${stuck.length - 3} more` : ''}. /why says why, with the fix.`,
    };
  },
};

/** Runs every trigger; a trigger that fails is skipped rather than silencing the others. */
export async function detect(env: Env, thresholds: Thresholds, now: number): Promise<Finding[]> {
  const found = await Promise.all(
    OPS_TRIGGERS.map((trigger) => CHECKS[trigger](env, thresholds, now).catch(() => null)),
  );
  return found.filter((finding): finding is Finding => finding !== null);
}
