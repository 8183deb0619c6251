import { settings as settingsTable } from '../../drizzle/schema';
import { database } from '../../worker/db/client';
import { eventsAfter, eventsAfterQuery, eventsFrom } from '../../worker/events/feed';
import type { SettingsValue } from '../../worker/settings/schema';
import { readSettings, settingsFrom } from '../../worker/settings/store';
import type { CeoLocalStore } from './local-store';

/** Events older than this when the CEO first starts are history, not news. */
const HISTORY_MS = 3_600_000;
const PAGE = 200;

/**
 * Moves new domain events into the CEO's queue. On the very first start the cursor skips what
 * is older than an hour: history, not news.
 */
export async function pullEvents(env: Env, store: CeoLocalStore, now: number): Promise<void> {
  let cursor = Number(store.mark('cursor') ?? -1);
  if (cursor < 0) {
    const row = await env.DB.prepare(
      'SELECT COALESCE(MAX(id), 0) AS id FROM domain_events WHERE created_at < ?',
    )
      .bind(now - HISTORY_MS)
      .first<{ id: number }>();
    cursor = row?.id ?? 0;
    store.setMark('cursor', String(cursor));
  }
  for (;;) {
    const page = await eventsAfter(env, cursor, PAGE);
    store.enqueueEvents(page, now);
    if (page.length < PAGE) return;
    cursor = page.at(-1)?.id ?? cursor;
  }
}

/**
 * The settings in force, with the new domain events pulled into the queue in the same round
 * trip: how a pass starts (a pass after each poke read the two one after the other). The
 * first start, and a page that may have more behind it, go on as pullEvents.
 */
export async function settingsAndPull(
  env: Env,
  store: CeoLocalStore,
  now: number,
): Promise<SettingsValue> {
  const cursor = Number(store.mark('cursor') ?? -1);
  if (cursor < 0) {
    const settings = await readSettings(env);
    await pullEvents(env, store, now);
    return settings;
  }
  const db = database(env);
  const [stored, rows] = await db.batch([
    db.select().from(settingsTable),
    eventsAfterQuery(db, cursor, PAGE),
  ]);
  store.enqueueEvents(eventsFrom(rows), now);
  if (rows.length === PAGE) await pullEvents(env, store, now);
  return settingsFrom(stored);
}
