import { eq } from 'drizzle-orm';
import { agents } from '../../drizzle/schema';
import { database } from '../db/client';
import { expirePlanningLeases } from './ending';

/** A planning run may take this long; the lease runs 60 s past it. */
export const PLANNING_TIMEOUT_SECONDS = 15 * 60;
const LEASE_SLACK_SECONDS = 60;

/** At most this many open missions go into the prompt, newest first. */
const PROMPT_MISSIONS = 30;

interface Candidate {
  id: string;
  routine_id: string;
  agent_id: string;
  repository: string;
  target_branch: string;
  fingerprint: string;
}

interface OpenMissionRow {
  id: string;
  title: string;
  brief: string;
  status: 'PROPOSED' | 'APPROVED';
  proposed_by: string;
  plan: string;
}

/** The repository's open missions as the planning prompt lists them (not to propose again). */
async function openMissions(db: D1Database, repository: string) {
  const { results } = await db
    .prepare(
      `SELECT id, title, brief, status, proposed_by, plan FROM missions
       WHERE repository = ? AND status IN ('PROPOSED', 'APPROVED')
       ORDER BY created_at DESC LIMIT ?`,
    )
    .bind(repository, PROMPT_MISSIONS)
    .all<OpenMissionRow>();
  return results.map((m) => ({
    id: m.id,
    title: m.title,
    status: m.status,
    proposedBy: m.proposed_by,
    brief: m.brief.slice(0, 2000),
    tasks: (JSON.parse(m.plan) as { title: string }[]).map((t) => t.title),
  }));
}

/**
 * Leases the oldest queued planning job this runner can run: its repository is one the
 * runner serves, and its agent has no executor (the runner's default runs it) or one of the
 * declared presets. Expired leases are handled first; queued jobs whose agent or routine was
 * archived meanwhile are cancelled. The update is guarded (QUEUED only), so two runners never
 * lease the same job.
 */
export async function leasePlanningJob(
  env: Env,
  runnerId: string,
  offer: { presets: string[]; repositories: string[] },
) {
  const db = env.DB;
  const now = Date.now();
  await expirePlanningLeases(env, now);
  await db
    .prepare(
      `UPDATE planning_jobs SET status = 'CANCELLED', finished_at = ?,
         error = 'cancelled: its agent or routine was archived, or the routine paused'
       WHERE status = 'QUEUED' AND (
         EXISTS (SELECT 1 FROM agents a WHERE a.id = agent_id AND a.archived_at IS NOT NULL)
         OR EXISTS (SELECT 1 FROM routines r WHERE r.id = routine_id
           AND (r.archived_at IS NOT NULL OR r.paused_at IS NOT NULL)))`,
    )
    .bind(now)
    .run();
  const { results } = await db
    .prepare(
      `SELECT j.id, j.routine_id, j.agent_id, j.repository, j.target_branch, j.fingerprint
       FROM planning_jobs j JOIN agents a ON a.id = j.agent_id
       WHERE j.status = 'QUEUED'
         AND EXISTS (SELECT 1 FROM runners me WHERE me.id = ?3 AND me.revoked_at IS NULL)
         AND j.repository IN (SELECT value FROM json_each(?2))
         AND (a.executor IS NULL OR json_extract(a.executor, '$.preset') IN (SELECT value FROM json_each(?1)))
       ORDER BY j.created_at, j.id LIMIT 10`,
    )
    .bind(JSON.stringify(offer.presets), JSON.stringify(offer.repositories), runnerId)
    .all<Candidate>();
  const lease = now + (PLANNING_TIMEOUT_SECONDS + LEASE_SLACK_SECONDS) * 1000;
  for (const c of results) {
    const won = await db
      .prepare(
        `UPDATE planning_jobs SET status = 'RUNNING', runner_id = ?, lease_until = ?,
           attempts = attempts + 1, started_at = ?, error = NULL WHERE id = ? AND status = 'QUEUED'`,
      )
      .bind(runnerId, lease, now, c.id)
      .run();
    if (won.meta.changes !== 1) continue;
    const agent = await database(env).select().from(agents).where(eq(agents.id, c.agent_id)).get();
    if (!agent) continue;
    const snapshot = await db
      .prepare(
        `SELECT head_commit, file_count, reported_at FROM repository_snapshots
         WHERE repository = ? ORDER BY reported_at DESC LIMIT 1`,
      )
      .bind(c.repository)
      .first<{ head_commit: string; file_count: number; reported_at: number }>();
    return {
      job: {
        id: c.id,
        routineId: c.routine_id,
        repository: c.repository,
        targetBranch: c.target_branch,
        fingerprint: c.fingerprint,
      },
      agent,
      snapshot: snapshot
        ? {
            headCommit: snapshot.head_commit,
            fileCount: snapshot.file_count,
            reportedAt: new Date(snapshot.reported_at).toISOString(),
          }
        : null,
      openMissions: await openMissions(db, c.repository),
      timeoutSeconds: PLANNING_TIMEOUT_SECONDS,
    };
  }
  return undefined;
}

export type LeasedPlanning = NonNullable<Awaited<ReturnType<typeof leasePlanningJob>>>;
