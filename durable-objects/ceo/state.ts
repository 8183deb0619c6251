import { modelEndpoint } from '../../worker/ceo/model';
import { DIGEST_DELAY_MS, guardStates } from '../../worker/ceo/policy';
import { readGuardClock } from '../../worker/ceo/store';
import { voiceSpentToday } from '../../worker/ceo/voice';
import { readSettings } from '../../worker/settings/store';
import type { CeoLocalStore } from './local-store';

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

/** The inside of the CEO, for the web app and for tests: queue, buffer, guards, last sends. */
export async function ceoState(env: Env, store: CeoLocalStore, now: number) {
  const settings = await readSettings(env);
  const clock = await readGuardClock(env);
  const buffer = store.buffer();
  const first = buffer[0];
  // The messages that went out: a digest's members and a scan's findings went out inside them.
  const { results: lastSends } = await env.DB.prepare(
    `SELECT id, event_type AS eventType, tier, channel, text, sent_at AS sentAt FROM notifications
     WHERE status = 'sent' AND digest_id IS NULL ORDER BY sent_at DESC, id DESC LIMIT 5`,
  ).all<{
    id: string;
    eventType: string;
    tier: string;
    channel: string;
    text: string;
    sentAt: number;
  }>();
  const guards = guardStates(clock, now);
  const lastScan = store.mark('lastScanAt');
  const flush = store.mark('flush');
  return {
    now: iso(now),
    queueDepth: store.depth(),
    // Items that failed every attempt, set aside so the queue went on: someone should look.
    deadLetters: store.deadLetters().map((d) => ({ ...d, at: iso(d.at) })),
    eventCursor: Number(store.mark('cursor') ?? 0),
    digest: {
      size: buffer.length,
      // Past the buffer's cap the oldest are a count: the next digest reports them too.
      folded: store.folded(),
      dueAt: first
        ? iso(Math.max(first.at + DIGEST_DELAY_MS, Number(store.mark('digestNotBefore') ?? 0)))
        : null,
      flushInProgress: flush ? (JSON.parse(flush) as { id: string }).id : null,
      members: buffer.map((m) => ({
        id: m.id,
        type: m.type,
        text: m.text,
        lowSignal: m.lowSignal,
        at: iso(m.at),
      })),
    },
    guards: Object.fromEntries(
      Object.entries(guards).map(([name, g]) => [name, { closed: g.closed, until: iso(g.until) }]),
    ),
    lastOperatorMessageAt: iso(clock.lastOperatorMessageAt),
    lastProactiveSentAt: iso(clock.lastProactiveSentAt),
    lastScanAt: lastScan ? iso(Number(lastScan)) : null,
    lastSends: lastSends.map((s) => ({ ...s, sentAt: iso(s.sentAt) })),
    model: {
      configured: modelEndpoint(env, settings) !== null,
      voiceSpentTodayUsd: await voiceSpentToday(env, now, settings.briefing.timeZone),
      voiceDailyBudgetUsd: settings.ceo.voiceDailyBudgetUsd,
    },
  };
}

export type CeoState = Awaited<ReturnType<typeof ceoState>>;
