import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { routines } from '../../drizzle/schema';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { DomainError } from '../errors';
import { appOrigin } from '../http/origin';
import type { RoutineRow } from './config';
import { routineViews } from './views';

/** The routine with this id, archived or not, or a 404 naming it. */
export async function findRoutine(env: Env, id: string): Promise<RoutineRow> {
  const row = await database(env).select().from(routines).where(eq(routines.id, id)).get();
  if (!row) throw new DomainError('not_found', `No routine ${id}.`);
  return row;
}

/** A live (not archived) routine, or a 409 saying it is archived. */
export async function liveRoutine(env: Env, id: string): Promise<RoutineRow> {
  const row = await findRoutine(env, id);
  if (row.archivedAt) throw new DomainError('conflict', `Routine ${row.name} is archived.`);
  return row;
}

/** One routine's view, its webhook URL on this app's origin. */
export async function viewOf(c: Context<HonoEnv>, row: RoutineRow) {
  const [view] = await routineViews(c.env, [row], appOrigin(c));
  if (!view) throw new Error('a routine without a view');
  return view;
}

/** Who is acting, for the store and the audit log. */
export const byOf = (c: Context<HonoEnv>) => ({
  actor: c.get('user').email,
  requestId: c.get('requestId'),
});
