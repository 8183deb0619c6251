import { database } from '../db/client';
import { routineFiredInsert } from '../events/outbox';

// A planning run that fails ends after its fire was recorded (status `planning`), so the fire's
// own event said nothing of it. The operator hears of it as the routine failing (the CEO's
// `routine.failed`, sent at once), naming the fire and why; the fire's row is left as it was.

interface Failed {
  id: string;
  error: string | null;
  routine_id: string;
  name: string;
  fire_id: string;
  trigger: 'cron' | 'webhook' | 'api';
}

/** Announces the FAILED planning runs `which` names: one job, or those ended at `finishedAt`. */
export async function announceFailedRuns(
  env: Env,
  which: { id: string } | { finishedAt: number },
): Promise<void> {
  const byId = 'id' in which;
  const { results } = await env.DB.prepare(
    `SELECT j.id, j.error, r.id AS routine_id, r.name, f.id AS fire_id, f.trigger
     FROM planning_jobs j JOIN routines r ON r.id = j.routine_id
     JOIN routine_fires f ON f.planning_job_id = j.id
     WHERE j.status = 'FAILED' AND ${byId ? 'j.id = ?' : 'j.finished_at = ?'}`,
  )
    .bind(byId ? which.id : which.finishedAt)
    .all<Failed>();
  const db = database(env);
  const now = Date.now();
  const [first, ...rest] = results.map((job) =>
    routineFiredInsert(
      db,
      {
        routineId: job.routine_id,
        name: job.name,
        fireId: job.fire_id,
        trigger: job.trigger,
        status: 'failed',
        reason: `its planning run failed: ${job.error ?? 'no reason given'}`,
        missionId: null,
      },
      now,
    ),
  );
  if (first) await db.batch([first, ...rest]);
}
