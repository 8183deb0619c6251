import { median, repeat } from './stats';
import type { BenchContext, BenchRow } from './types';

const MISSIONS = 10;
const TASKS_PER_MISSION = 50;
const POLL_MS = 50;

/** A mission with the most tasks a plan may hold: approving it writes 51 domain events. */
const plan = (title: string) => ({
  title,
  brief: 'Measured by npm run bench: a burst of domain events for the CEO.',
  repository: 'demo/storefront',
  tasks: Array.from({ length: TASKS_PER_MISSION }, (_, i) => ({
    title: `${title}: step ${i + 1}`,
    spec: `Change src/step-${i + 1}.ts.`,
    expectedScope: [`src/step-${i + 1}.ts`],
  })),
});

/**
 * The CEO's queue under a burst: 10 missions of 50 tasks approved at once write 510 domain
 * events (10 mission.approved, 500 task.queued) to the outbox in about a tenth of the time
 * the CEO takes for them. The CEO reads them from the feed and sorts each through tiering,
 * the same-cause dedup and the digest buffer. For the burst task.queued is DIGEST (by default
 * SILENT), so every event takes the buffer's path, and workers are paused, so dispatch adds
 * no task.assigned events and the approvals stay quick. Timed from the first approval to an
 * empty queue: the CEO's own state answers only between its steps, so it cannot be sampled
 * mid-burst.
 */
export async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const hq = await ctx.hq();
  const admin = await hq.signIn('admin@hq.local');
  const settings = (queuedTier: 'DIGEST' | 'SILENT', workerSwitch: boolean) =>
    admin.json('/api/settings', {
      method: 'PATCH',
      body: {
        workerSwitch,
        notificationRules: { 'task.queued': { tier: queuedTier, lowSignal: true } },
      },
    });
  const feedEnd = async (from: number) => {
    let after = from;
    for (;;) {
      const page = await admin.json<{ next: number; events: unknown[] }>(
        `/api/events?after=${after}&limit=500`,
      );
      if (page.events.length === 0) return after;
      after = page.next;
    }
  };
  let cursor = 0;

  await settings('DIGEST', false);
  try {
    const runs = await repeat(ctx.runs, async (run) => {
      const ids: string[] = [];
      for (let m = 0; m < MISSIONS; m++) {
        const mission = await admin.json<{ id: string }>('/api/missions', {
          method: 'POST',
          body: plan(`Burst ${run + 1}.${m + 1}`),
        });
        ids.push(mission.id);
      }
      await hq.ceoIdle();
      const before = await feedEnd(cursor);
      const started = performance.now();
      await Promise.all(
        ids.map((id) => admin.json(`/api/missions/${id}/approve`, { method: 'POST', body: {} })),
      );
      const written = performance.now() - started;
      await hq.ceoIdle(POLL_MS);
      const elapsed = performance.now() - started;
      cursor = await feedEnd(before);
      const events = cursor - before;
      const perSecond = events / (elapsed / 1000);
      ctx.log(
        `CEO queue run ${run + 1}: ${events} events written in ${written.toFixed(0)} ms, all sorted after ${elapsed.toFixed(0)} ms: ${perSecond.toFixed(0)}/s`,
      );
      return { events, perSecond };
    });
    return [
      {
        name: 'CEO queue: events through tiering, dedup, digest buffer',
        value: `${median(runs.map((r) => r.perSecond)).toFixed(0)} events/s`,
        bar: '—',
        verdict: '—',
        note: `${runs[0]?.events ?? 0} events from ${MISSIONS} approvals, first write → empty queue`,
      },
    ];
  } finally {
    await settings('SILENT', true);
  }
}
