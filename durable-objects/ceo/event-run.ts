import { describeMany, runWordsReads } from '../../worker/ceo/describe-many';
import { placeMany } from '../../worker/ceo/place-many';
import { placedBeforeReads } from '../../worker/ceo/placed-before';
import { closeDecisionsOfRun } from '../../worker/telegram/edits';
import type { CeoLocalStore } from './local-store';
import type { ProcessContext } from './process';

/**
 * The most events worked as one run. A mission's approval queues two per task; a run costs a
 * constant number of D1 round trips (its tasks' facts, one batch of notification rows), where
 * one event at a time cost three each (about 13 ms under wrangler dev).
 */
export const MAX_RUN = 100;

/**
 * Works the run of events at the head of the queue together, as processItem would work each
 * of them; true when the run is done (every item completed). Each item's attempt is counted
 * before, so a run the runtime kills is not tried whole again: after a restart its items go
 * one by one, with their retries. A run that throws forgets those attempts and returns false:
 * its items go one by one too. Doing it again is safe: notifications are stored once under
 * their event's key, and a send (IMMEDIATE, through `place`) is claimed once.
 */
export async function workEventRun(
  p: Pick<ProcessContext, 'env' | 'settings' | 'outside' | 'now'>,
  store: CeoLocalStore,
  run: ReturnType<CeoLocalStore['headRun']>,
): Promise<boolean> {
  const keys = run.map((item) => item.key);
  store.startAttempts(keys);
  let members: Awaited<ReturnType<typeof placeMany>>;
  try {
    const events = run.map((item) => item.event);
    // What the run's words and its decisions' Telegram messages need, in one round trip.
    const words = runWordsReads(p.env.DB, events);
    const decisions = closeDecisionsOfRun(p.env, p.settings, events);
    // Tiering's reads ride along when the run reads anyway (no trip of their own otherwise).
    const ahead = [...words.statements, ...decisions.statements].length > 0;
    const placed = ahead ? placedBeforeReads(p.env.DB, p.settings, events, p.now) : null;
    const reads = [...(placed?.statements ?? []), ...words.statements, ...decisions.statements];
    const read = reads.length ? await p.env.DB.batch(reads) : [];
    const placedEnd = placed?.statements.length ?? 0;
    const wordsEnd = placedEnd + words.statements.length;
    members = await placeMany(
      p.env,
      p.settings,
      p.outside,
      await describeMany(p.env, events, words.from(p.env, read.slice(placedEnd, wordsEnd))),
      p.now,
      placed?.from(read.slice(0, placedEnd)),
    );
    // Only decisions (a mission decided, a task leaving review) close their Telegram buttons.
    await decisions.show(read.slice(wordsEnd));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    console.warn(`CEO run of ${run.length} events from ${keys[0]} failed, one by one now: ${why}`);
    store.clearAttempts(keys);
    return false;
  }
  store.completeMany(
    run.map((item, i) => ({ key: item.key, member: members[i] ?? null })),
    p.now,
  );
  return true;
}
