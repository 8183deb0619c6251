import type { SettingsValue } from '../settings/schema';
import type { OutsideDelivery } from './deliver';
import { localClock } from './local-time';
import { fingerprintOf, proactiveGuard } from './policy';
import { unknownCostNote } from './reply';
import { sendOnce } from './send';
import { notificationStatus, readGuardClock } from './store';
import { voice } from './voice';

const DAY = 24 * 3_600_000;

interface Overnight {
  done: number;
  failed: number;
  proposed: number;
  waitingMissions: { title: string }[];
  inReview: { title: string }[];
  spentToday: number;
  spentMonth: number;
  /** Ledger entries this month of unknown cost, and their tokens: not in spentMonth. */
  unknownMonth: number;
  unknownTokens: number;
  budget: number;
  openLoops: { content: string }[];
}

async function gather(env: Env, now: number): Promise<Overnight> {
  const since = now - DAY;
  const month = Date.parse(`${new Date(now).toISOString().slice(0, 7)}-01T00:00:00Z`);
  const [counts, waitingMissions, inReview, loops] = await env.DB.batch([
    env.DB.prepare(
      `SELECT
         (SELECT COUNT(*) FROM tasks WHERE status = 'DONE' AND finished_at >= ?1) AS done,
         (SELECT COUNT(*) FROM tasks WHERE status = 'FAILED' AND finished_at >= ?1) AS failed,
         (SELECT COUNT(*) FROM missions WHERE created_at >= ?1) AS proposed,
         (SELECT COALESCE(SUM(cost_usd), 0) FROM spend_ledger WHERE created_at >= ?1) AS spentToday,
         (SELECT COALESCE(SUM(cost_usd), 0) FROM spend_ledger WHERE created_at >= ?2) AS spentMonth,
         (SELECT COUNT(*) FROM spend_ledger WHERE created_at >= ?2 AND cost_usd IS NULL) AS unknownMonth,
         (SELECT COALESCE(SUM(COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0)), 0) FROM spend_ledger WHERE created_at >= ?2 AND cost_usd IS NULL) AS unknownTokens,
         (SELECT COALESCE(SUM(monthly_budget_usd), 0) FROM agents WHERE archived_at IS NULL) AS budget`,
    ).bind(since, month),
    env.DB.prepare(`SELECT title FROM missions WHERE status = 'PROPOSED' ORDER BY created_at`),
    env.DB.prepare(`SELECT title FROM tasks WHERE status = 'REVIEW' ORDER BY updated_at`),
    env.DB.prepare(
      `SELECT content FROM memory_items WHERE kind = 'open_loop' AND resolved_at IS NULL ORDER BY created_at`,
    ),
  ]);
  const c = (counts?.results[0] ?? {}) as Record<string, number>;
  return {
    done: c.done ?? 0,
    failed: c.failed ?? 0,
    proposed: c.proposed ?? 0,
    spentToday: c.spentToday ?? 0,
    spentMonth: c.spentMonth ?? 0,
    unknownMonth: c.unknownMonth ?? 0,
    unknownTokens: c.unknownTokens ?? 0,
    budget: c.budget ?? 0,
    waitingMissions: (waitingMissions?.results ?? []) as { title: string }[],
    inReview: (inReview?.results ?? []) as { title: string }[],
    openLoops: (loops?.results ?? []) as { content: string }[],
  };
}

const list = (items: string[]) =>
  items.length ? items.map((item) => `  • ${item}`).join('\n') : '  • nothing';

/** The morning briefing's raw text: overnight, what waits, spend against budget, open loops. */
export async function briefingText(env: Env, now: number): Promise<string> {
  const o = await gather(env, now);
  const budget =
    o.budget > 0 ? ` of $${o.budget.toFixed(2)} this month` : ' this month (no budget set)';
  return [
    'Good morning. Here is the briefing.',
    `Overnight (last 24 hours): ${o.done} task(s) done, ${o.failed} failed, ${o.proposed} mission(s) proposed.`,
    `Waiting for you: ${o.waitingMissions.length} mission(s) to approve, ${o.inReview.length} task(s) to review.`,
    list([
      ...o.waitingMissions.map((m) => `Approve or reject: ${m.title}`),
      ...o.inReview.map((t) => `Review: ${t.title}`),
    ]),
    `Spend: $${o.spentToday.toFixed(2)} in the last 24 hours, $${o.spentMonth.toFixed(2)}${budget}${unknownCostNote(o.unknownMonth, o.unknownTokens)}.`,
    `Open loops (${o.openLoops.length}):`,
    list(o.openLoops.map((l) => l.content)),
  ].join('\n');
}

/**
 * Sends today's briefing if it is due (the local time has reached the configured time), not
 * yet sent, and the proactive guards allow it (otherwise the next tick tries again). The
 * notification's id is the local date, so overlapping or late crons send it once.
 */
export async function briefIfDue(
  env: Env,
  settings: SettingsValue,
  outside: OutsideDelivery,
  now: number,
): Promise<{ id: string; status: string } | null> {
  const { date, time } = localClock(now, settings.briefing.timeZone);
  if (time < settings.briefing.time) return null;
  const id = `briefing-${date}`;
  const earlier = await notificationStatus(env, id);
  if (earlier !== null && earlier !== 'sending') return { id, status: `already_${earlier}` };
  const guard = earlier === null ? proactiveGuard(await readGuardClock(env), now) : null;
  if (guard) return { id, status: `waiting:${guard}` };
  const raw = await briefingText(env, now);
  const voiced = earlier === null ? await voice(env, settings, raw, now) : null;
  const outcome = await sendOnce(
    env,
    settings,
    outside,
    {
      id,
      eventType: 'briefing',
      // One briefing per local day: the day is what it is about.
      fingerprint: await fingerprintOf([`briefing|${date}`]),
      tier: 'IMMEDIATE',
      status: 'sending',
      proactive: true,
      text: voiced?.text ?? raw,
      rawText: raw,
      voice: voiced?.voice,
      createdAt: now,
    },
    now,
  );
  return { id, status: outcome.claimedNow ? outcome.status : `already_${outcome.status}` };
}
