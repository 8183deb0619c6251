import { planningJobs, type routines } from '../../drizzle/schema';
import { sha256 } from '../auth/crypto';
import { type Db, database } from '../db/client';
import { readSettings } from '../settings/store';
import { agentBlock, agentFacts } from '../tasks/eligibility';
import { liveRunnerCanRun, RUNNER_GONE_MS } from '../tasks/runner-waits';

// A planning routine's fire: its agent is woken to read a repository and propose missions,
// but only when that can be worth a model's money. Every reason not to wake it is read from
// D1 here, before anything runs, and the fire is skipped with that reason instead.

/** What a fire reads of its routine. */
export type PlanningRoutine = Pick<
  typeof routines.$inferSelect,
  'id' | 'agentId' | 'repository' | 'targetBranch'
>;
/** A write for the fire's D1 batch (worker/routines/fire.ts). */
export type PlanningWrite = Parameters<Db['batch']>[0][number];

/** A repository with this many open missions gets no more proposals until some close. */
export const OPEN_MISSION_LIMIT = 5;

export type PlanningFire =
  | { statements: PlanningWrite[]; planningJobId: string; fingerprint: string }
  | { skipped: string };

const BLOCKS: Record<string, string> = {
  archived: 'is archived',
  disabled: 'is paused (worker disabled)',
  cooldown: 'is cooling down after failures',
  budget_usd: 'has spent its monthly budget',
  budget_tokens: 'has used its monthly token budget',
  schedule: 'is off duty by its schedule',
};

interface OpenMission {
  id: string;
  updated_at: number;
}

/**
 * What the agent would be asked about, hashed: the newest reported head of the repository
 * and its open missions (id and last change). Equal to the last finished run's: nothing to
 * plan anew.
 */
export async function planningFingerprint(head: string, open: OpenMission[]): Promise<string> {
  const missions = open.map((m) => `${m.id}@${m.updated_at}`).sort();
  return sha256([head, ...missions].join('\n'));
}

/**
 * The repository as planning sees it: the newest reported head, the open missions, and their
 * fingerprint; null before any runner reported it. A run that ends stores the fingerprint of
 * this state as it left it (its own proposals included), so the next fire sleeps until
 * something else changes.
 */
export async function repositoryState(db: D1Database, repository: string) {
  const snapshot = await db
    .prepare(
      'SELECT head_commit FROM repository_snapshots WHERE repository = ? ORDER BY reported_at DESC LIMIT 1',
    )
    .bind(repository)
    .first<{ head_commit: string }>();
  if (!snapshot) return null;
  const { results: open } = await db
    .prepare(
      "SELECT id, updated_at FROM missions WHERE repository = ? AND status IN ('PROPOSED', 'APPROVED')",
    )
    .bind(repository)
    .all<OpenMission>();
  const head = snapshot.head_commit;
  return { head, open, fingerprint: await planningFingerprint(head, open) };
}

/**
 * The planning job a fire of `routine` queues at `now` (its insert, for the fire's batch), or
 * why none is queued: the agent may not work now, no live runner can run it on the
 * repository, no runner has reported the repository yet, a run of the routine is still open,
 * the repository has OPEN_MISSION_LIMIT open missions, or nothing changed since its last run.
 */
export async function planningFire(
  env: Env,
  routine: PlanningRoutine,
  now: number,
): Promise<PlanningFire> {
  const db = env.DB;
  const { agentId, repository, targetBranch } = routine;
  if (!agentId || !repository) return { skipped: 'the routine names no agent or repository' };
  const settings = await readSettings(env);
  if (!settings.workerSwitch) return { skipped: 'work is paused (the worker switch is off)' };
  const agent = (await agentFacts(db, now)).find((a) => a.id === agentId);
  if (!agent) return { skipped: `agent ${agentId} does not exist` };
  // The CEO never takes tasks (worker disabled by design), yet it may plan: only for it is
  // "disabled" no reason to skip.
  const isCeo = /\bceo\b/i.test(agent.role);
  const block = agentBlock(
    isCeo ? { ...agent, worker_enabled: 1 } : agent,
    now,
    settings.briefing.timeZone,
  );
  if (block) return { skipped: `agent ${agent.slug} ${BLOCKS[block] ?? block}` };
  const runnable = await db
    .prepare(`SELECT ${liveRunnerCanRun('?1', '?2')} AS ok FROM agents a WHERE a.id = ?3`)
    .bind(repository, now - RUNNER_GONE_MS, agentId)
    .first<{ ok: number }>();
  if (!runnable?.ok)
    return {
      skipped: `no live runner serves ${repository} and can run agent ${agent.slug}'s executor`,
    };
  const state = await repositoryState(db, repository);
  if (!state) return { skipped: `no runner has reported repository ${repository} yet` };
  const busy = await db
    .prepare(
      "SELECT id, status FROM planning_jobs WHERE routine_id = ? AND status IN ('QUEUED', 'RUNNING') LIMIT 1",
    )
    .bind(routine.id)
    .first<{ id: string; status: string }>();
  if (busy) return { skipped: `planning job ${busy.id} of this routine is still ${busy.status}` };
  const { head, open, fingerprint } = state;
  if (open.length >= OPEN_MISSION_LIMIT)
    return {
      skipped: `repository ${repository} already has ${open.length} open missions (limit ${OPEN_MISSION_LIMIT})`,
    };
  const last = await db
    .prepare(
      "SELECT fingerprint FROM planning_jobs WHERE routine_id = ? AND status = 'DONE' ORDER BY finished_at DESC LIMIT 1",
    )
    .bind(routine.id)
    .first<{ fingerprint: string }>();
  if (last?.fingerprint === fingerprint)
    return {
      skipped: `nothing changed since the last planning run (head ${head.slice(0, 10)}, same open missions)`,
    };
  const planningJobId = crypto.randomUUID();
  const insert = database(env).insert(planningJobs).values({
    id: planningJobId,
    routineId: routine.id,
    agentId,
    repository,
    targetBranch,
    status: 'QUEUED',
    fingerprint,
    createdAt: now,
  });
  return { statements: [insert], planningJobId, fingerprint };
}
