import { and, eq, isNotNull, isNull, lte } from 'drizzle-orm';
import { routines } from '../../drizzle/schema';
import { cronRunsBetween, nextCronRun } from '../clock/cron';
import { database } from '../db/client';
import { fireRoutine, type RoutineRow } from './fire';

// The routines' cron clock, run by the Worker's every-minute Cron Trigger (and by `npm start`'s
// local clock). Each routine keeps a cursor: every scheduled time at or before it has been
// dealt with. A tick fires the times between the cursor and now, then moves the cursor, so a
// tick that comes twice, or two ticks at once, fire nothing twice (fire keys are the times).

/** A scheduled time this late is a missed one: HQ was down or the tick did not come. */
export const LATE_MS = 10 * 60_000;
/** At most this many missed times are looked at after an outage (they are counted, not run). */
const MAX_MISSED = 10_000;

/** The cron fields of a routine whose schedule starts counting at `from` (creation, resume). */
export function cronSchedule(cron: string | null, timeZone: string, from: number) {
  return {
    cronCursor: from,
    nextRunAt: cron ? nextCronRun(cron, timeZone, from) : null,
  };
}

/** Fires every routine whose next run is due; returns what each tick did, for the logs. */
export async function runDueRoutines(env: Env, now: number) {
  const due = await database(env)
    .select()
    .from(routines)
    .where(
      and(
        isNull(routines.archivedAt),
        isNull(routines.pausedAt),
        isNotNull(routines.cron),
        lte(routines.nextRunAt, now),
      ),
    )
    .all();
  let fired = 0;
  for (const routine of due) {
    try {
      fired += await tick(env, routine, now);
    } catch (error) {
      // One routine's failure must not stop the others' fires.
      console.error(`routine ${routine.id} tick failed`, error);
    }
  }
  return { due: due.length, fired };
}

/** The fires of one routine's due times under its catch-up policy; returns how many fired. */
async function tick(env: Env, routine: RoutineRow, now: number): Promise<number> {
  const cron = routine.cron ?? '';
  const since = routine.cronCursor ?? routine.createdAt;
  const { runs, more } = cronRunsBetween(cron, routine.timeZone, since, now, MAX_MISSED);
  const latest = runs.at(-1);
  const onTime = latest !== undefined && now - latest <= LATE_MS ? latest : undefined;
  const missed = runs.filter((run) => run !== onTime);
  const base = { trigger: 'cron' as const, actor: 'cron', requestId: `cron:${now}` };
  let fired = 0;
  if (missed.length > 0) {
    const first = missed[0] as number;
    const last = missed.at(-1) as number;
    const count = `${missed.length}${more ? '+' : ''} scheduled run${missed.length === 1 && !more ? '' : 's'}`;
    const span = `${iso(first)} to ${iso(last)}`;
    if (routine.catchUp === 'run_one' && onTime === undefined) {
      // One run stands for all of them, keyed by the newest so a repeat tick is the same fire.
      await fireRoutine(env, routine, {
        ...base,
        key: `cron:${iso(last)}`,
        scheduledFor: last,
        note: `catching up ${count} missed while HQ was down (${span})`,
      });
      fired += 1;
    } else {
      // Skipped, and said so once for the whole gap (keyed by its first time).
      await fireRoutine(env, routine, {
        ...base,
        key: `cron:missed:${iso(first)}`,
        scheduledFor: first,
        skip: `${count} missed while HQ was down (${span}); ${
          onTime === undefined
            ? 'its catch-up policy skips them'
            : 'the run on time stands for them'
        }`,
      });
    }
  }
  if (onTime !== undefined) {
    await fireRoutine(env, routine, { ...base, key: `cron:${iso(onTime)}`, scheduledFor: onTime });
    fired += 1;
  }
  // Move on from where this tick read, only if no other tick moved it meanwhile.
  await database(env)
    .update(routines)
    .set({ cronCursor: now, nextRunAt: nextCronRun(cron, routine.timeZone, now) })
    .where(
      and(
        eq(routines.id, routine.id),
        routine.cronCursor === null ? isNull(routines.cronCursor) : eq(routines.cronCursor, since),
      ),
    )
    .run();
  return fired;
}

const iso = (ms: number) => new Date(ms).toISOString();
