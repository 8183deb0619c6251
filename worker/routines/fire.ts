import { and, desc, eq, isNotNull } from 'drizzle-orm';
import {
  missions,
  type ROUTINE_FIRE_STATUSES,
  type ROUTINE_TRIGGERS,
  routineFires,
  type routines,
} from '../../drizzle/schema';
import { type Db, database } from '../db/client';
import { routineFiredInsert } from '../events/outbox';
import { decide } from '../missions/decide';
import { missionInsertStatements } from '../missions/propose';
import { ProposeMission } from '../missions/schemas';
import { planningFire } from '../planning/fire';

export type RoutineRow = typeof routines.$inferSelect;
export type RoutineFireRow = typeof routineFires.$inferSelect;
type FireStatus = (typeof ROUTINE_FIRE_STATUSES)[number];

export interface FireRequest {
  trigger: (typeof ROUTINE_TRIGGERS)[number];
  /** What makes this fire happen once: `cron:<ISO slot>`, `webhook:<delivery>`, `api:<key>`. */
  key: string;
  /** The cron time it stands for; for webhook and API fires, when it arrived. */
  scheduledFor: number;
  actor: string;
  requestId: string;
  /** Said on the fire when it starts work (a catch-up says how many runs it stands for). */
  note?: string;
  /** Record the fire as skipped for this reason and start nothing (missed cron times). */
  skip?: string;
}

/** What a fire will do: its status, why, and the writes that do it (in the fire's batch). */
interface Plan {
  status: FireStatus;
  reason: string | null;
  missionId?: string;
  planningJobId?: string;
  statements: BatchItem[];
}
type BatchItem = Parameters<Db['batch']>[0][number];

/**
 * Fires `routine` once for `request.key`, however many times it is asked (overlapping cron
 * ticks, a webhook retried, an API call repeated): the fire's row and the work it starts go in
 * one D1 batch, and the row's unique key makes every later batch of the same key fail whole.
 * A later ask answers the first fire with `duplicate: true`. Every fire, skips included, is
 * recorded with its reason and published as `routine.fired`.
 */
export async function fireRoutine(
  env: Env,
  routine: RoutineRow,
  request: FireRequest,
): Promise<{ fire: RoutineFireRow; duplicate: boolean }> {
  const db = database(env);
  const earlier = await findFire(db, routine.id, request.key);
  if (earlier) return { fire: earlier, duplicate: true };
  const now = Date.now();
  const plan = await planFire(env, db, routine, request, now);
  const fire: RoutineFireRow = {
    id: crypto.randomUUID(),
    routineId: routine.id,
    fireKey: request.key,
    trigger: request.trigger,
    scheduledFor: request.scheduledFor,
    status: plan.status,
    reason: plan.reason,
    missionId: plan.missionId ?? null,
    planningJobId: plan.planningJobId ?? null,
    actor: request.actor,
    createdAt: now,
  };
  const approveNow = plan.status === 'proposed' && routine.preApprovedBy !== null;
  try {
    // The fire's row after the work it names (its mission must exist first); if its key was
    // taken meanwhile, the row fails and the whole batch with it.
    const writes: BatchItem[] = [
      ...plan.statements,
      db.insert(routineFires).values(fire),
      // A pre-approved fire says what it did once the approval is through (below).
      ...(approveNow ? [] : [routineFiredInsert(db, eventOf(routine, fire), now)]),
    ];
    // Never empty: the fire's row is always in it.
    await db.batch(writes as [BatchItem, ...BatchItem[]]);
  } catch (error) {
    const first = isUniqueViolation(error) ? await findFire(db, routine.id, request.key) : null;
    if (first) return { fire: first, duplicate: true };
    throw error;
  }
  return {
    fire: approveNow ? await approve(env, db, routine, fire, request) : fire,
    duplicate: false,
  };
}

async function planFire(
  env: Env,
  db: Db,
  routine: RoutineRow,
  request: FireRequest,
  now: number,
): Promise<Plan> {
  const skip = (reason: string): Plan => ({ status: 'skipped', reason, statements: [] });
  if (request.skip) return skip(request.skip);
  if (routine.archivedAt !== null) return skip('the routine is archived');
  if (routine.pausedAt !== null) return skip(`the routine is paused (by ${routine.pausedBy})`);
  if (routine.concurrency === 'skip_if_open') {
    const open = await stillOpen(db, routine.id);
    if (open) return skip(open);
  }
  if (routine.kind === 'planning') {
    // planning: worker/planning queues the agent's run, or says why there is nothing to do.
    const planned = await planningFire(env, routine, now);
    if ('skipped' in planned) return skip(planned.skipped);
    return {
      status: 'planning',
      reason: request.note ?? null,
      planningJobId: planned.planningJobId,
      statements: planned.statements,
    };
  }
  const proposal = ProposeMission.safeParse({
    ...routine.template,
    targetBranch: routine.template?.targetBranch ?? routine.targetBranch,
  });
  if (!proposal.success) {
    const issue = proposal.error.issues[0];
    const where = issue?.path.join('.') || 'template';
    return {
      status: 'failed',
      reason: `its mission template is not valid: ${where}: ${issue?.message ?? 'invalid'}`,
      statements: [],
    };
  }
  const missionId = crypto.randomUUID();
  const by = { actor: `routine:${routine.id}`, requestId: request.requestId };
  return {
    status: 'proposed',
    reason: request.note ?? null,
    missionId,
    statements: [
      ...missionInsertStatements(db, proposal.data, by.actor, by, { id: missionId, now }),
    ],
  };
}

/**
 * Why the routine's last mission is still open, or null. (An open planning run is
 * planningFire's to refuse, for every concurrency: one run at a time.)
 */
async function stillOpen(db: Db, routineId: string): Promise<string | null> {
  const last = await db
    .select({ title: missions.title, status: missions.status })
    .from(routineFires)
    .innerJoin(missions, eq(missions.id, routineFires.missionId))
    .where(and(eq(routineFires.routineId, routineId), isNotNull(routineFires.missionId)))
    .orderBy(desc(routineFires.createdAt))
    .limit(1)
    .get();
  return last && (last.status === 'PROPOSED' || last.status === 'APPROVED')
    ? `the last fire's mission "${last.title}" is still ${last.status}`
    : null;
}

/** Approves a pre-approved routine's mission as the routine, then records how it went. */
async function approve(
  env: Env,
  db: Db,
  routine: RoutineRow,
  fire: RoutineFireRow,
  request: FireRequest,
): Promise<RoutineFireRow> {
  const mission = await db
    .select()
    .from(missions)
    .where(eq(missions.id, fire.missionId ?? ''))
    .get();
  let done: RoutineFireRow = fire;
  try {
    if (!mission) throw new Error('its mission vanished');
    await decide(
      env,
      { actor: `routine:${routine.id}`, requestId: request.requestId },
      mission,
      'APPROVED',
      `pre-approved by ${routine.preApprovedBy}`,
    );
    done = { ...fire, status: 'approved' };
  } catch (error) {
    // The mission stays PROPOSED: a person can still approve it.
    const why = error instanceof Error ? error.message : String(error);
    done = { ...fire, reason: `pre-approval failed, the mission waits for a person: ${why}` };
  }
  const now = Date.now();
  await db.batch([
    db
      .update(routineFires)
      .set({ status: done.status, reason: done.reason })
      .where(eq(routineFires.id, fire.id)),
    routineFiredInsert(db, eventOf(routine, done), now),
  ]);
  return done;
}

function eventOf(routine: RoutineRow, fire: RoutineFireRow) {
  return {
    routineId: routine.id,
    name: routine.name,
    fireId: fire.id,
    trigger: fire.trigger,
    status: fire.status,
    reason: fire.reason,
    missionId: fire.missionId,
  };
}

async function findFire(db: Db, routineId: string, key: string) {
  return (
    (await db
      .select()
      .from(routineFires)
      .where(and(eq(routineFires.routineId, routineId), eq(routineFires.fireKey, key)))
      .get()) ?? null
  );
}

function isUniqueViolation(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : '';
  return text.includes('UNIQUE constraint failed');
}
