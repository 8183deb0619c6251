import { sql } from 'drizzle-orm';
import { notifications } from '../../drizzle/schema';
import { database } from '../db/client';
import type { SettingsValue } from '../settings/schema';
import type { OutsideDelivery } from './deliver';
import type { Happening } from './describe';
import type { BufferedMember } from './digest';
import type { PlacedBefore } from './placed-before';
import { place, placedEarlier, placement, quietStatus } from './tiering';

/**
 * Places a run of happenings as `place` places each one, with one D1 batch for all those that
 * are not sent (SILENT, suppressed, DIGEST) instead of a read and an insert each: a mission's
 * approval queues two silent task moves per task. The batch reads what an earlier run stored
 * under their ids, then inserts each row once (a conflict leaves the earlier row as it is), in
 * one transaction, so every happening is decided on exactly what `place` would have read.
 * IMMEDIATE ones go through `place` one by one, in order: they dedup, are voiced and sent.
 * Returns each happening's digest member (or null), in the order given.
 */
export async function placeMany(
  env: Env,
  settings: SettingsValue,
  outside: OutsideDelivery,
  happenings: Happening[],
  now: number,
  /** What the run read ahead of placing (placed-before.ts), for the IMMEDIATE ones. */
  placedBefore?: PlacedBefore,
): Promise<(BufferedMember | null)[]> {
  const placed = await Promise.all(
    happenings.map(async (happening) => {
      const placing = await placement(settings, happening, now);
      return { happening, ...placing, quiet: quietStatus(placing.rule.tier, happening) };
    }),
  );
  const quiet = placed.flatMap((p) => (p.quiet ? [{ ...p, quiet: p.quiet }] : []));
  const members = new Map<string, BufferedMember | null>();
  if (quiet.length) {
    const db = database(env);
    const ids = JSON.stringify(quiet.map((p) => p.happening.key));
    const [earlier] = await db.batch([
      db
        .select({ id: notifications.id, status: notifications.status })
        .from(notifications)
        .where(sql`${notifications.id} IN (SELECT value FROM json_each(${ids}))`),
      ...quiet.map((p) =>
        db
          .insert(notifications)
          .values({ ...p.base, ...p.quiet })
          .onConflictDoNothing({ target: notifications.id }),
      ),
    ]);
    const statuses = new Map(earlier.map((row) => [row.id, row.status as string]));
    for (const p of quiet) {
      const settled = placedEarlier(statuses.get(p.happening.key) ?? null, p.rule.tier, p.member);
      members.set(
        p.happening.key,
        settled ? settled.member : p.quiet.status === 'pending' ? p.member : null,
      );
    }
  }
  const result: (BufferedMember | null)[] = [];
  for (const p of placed) {
    result.push(
      p.quiet
        ? (members.get(p.happening.key) ?? null)
        : await place(env, settings, outside, p.happening, now, placedBefore),
    );
  }
  return result;
}
