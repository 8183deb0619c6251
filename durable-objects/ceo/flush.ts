import type { OutsideDelivery } from '../../worker/ceo/deliver';
import { type DigestOutcome, flushDigest } from '../../worker/ceo/digest';
import { DIGEST_DELAY_MS, guardStates, proactiveGuard } from '../../worker/ceo/policy';
import { readGuardClock } from '../../worker/ceo/store';
import type { SettingsValue } from '../../worker/settings/schema';
import type { CeoLocalStore } from './local-store';

export type FlushResult = DigestOutcome | { postponedUntil: string; guard: string } | null;

/**
 * Flushes the digest buffer once its first member has waited 5 minutes and the proactive
 * guards allow it. The flush is recorded before any outside call, so a restart resumes it
 * with the same id and members: never a second digest.
 */
export async function flushBuffer(
  env: Env,
  settings: SettingsValue,
  outside: OutsideDelivery,
  store: CeoLocalStore,
  now: number,
): Promise<FlushResult> {
  const buffer = store.buffer();
  const first = buffer[0];
  const resumed = store.mark('flush');
  if (!first && !resumed) return null;
  // `folded`: members past the buffer's cap, counted only; the digest reports them as "more".
  let flush: { id: string; ids: string[]; folded?: number };
  if (resumed) {
    flush = JSON.parse(resumed) as typeof flush;
  } else {
    if (!first || now < first.at + DIGEST_DELAY_MS) return null;
    // A digest is proactive: the guards (dedup layer 4 among them) hold it until they open.
    const clock = await readGuardClock(env);
    const guard = proactiveGuard(clock, now);
    if (guard) {
      const until = guardStates(clock, now)[guard].until ?? now;
      store.setMark('digestNotBefore', String(until));
      return { postponedUntil: new Date(until).toISOString(), guard };
    }
    flush = { id: crypto.randomUUID(), ids: buffer.map((m) => m.id), folded: store.folded() };
    store.setMark('flush', JSON.stringify(flush));
  }
  const members = buffer.filter((m) => flush.ids.includes(m.id));
  const folded = flush.folded ?? 0;
  const result = await flushDigest(env, settings, outside, flush.id, members, now, folded);
  store.clearFlushed(flush.ids, folded);
  return result;
}
