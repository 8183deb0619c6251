import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { plan, propose } from '../missions/support';
import {
  about,
  allNotifications,
  ceo,
  fakeClock,
  MINUTE,
  noModel,
  scanNow,
  setThresholds,
} from './support';
import { approvedTasks, hire } from './work';

// What each kind of notification is about, computed here independently: SHA-256 (hex) of
// "type|entityType:entityId" lines, sorted.
async function sha256(lines: string[]): Promise<string> {
  const text = [...new Set(lines)].sort().join('\n');
  const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

let clock: ReturnType<typeof fakeClock>;

beforeAll(async () => {
  clock = fakeClock('2031-09-09T10:00:00Z');
  await noModel();
});
afterAll(() => vi.useRealTimers());

describe('notification fingerprints', () => {
  it('are stored on every row: events by type and entity, findings by trigger and subject', async () => {
    await hire({ slug: 'fp-ann' }, { slug: 'fp-bob' });
    const { mission } = await propose(plan({ title: 'Fingerprinted mission' }));
    const [queued] = await approvedTasks('Fingerprinted task');
    await ceo().poke();

    const [proposed] = (await about(mission.id)).filter((n) => n.eventType === 'mission.proposed');
    expect(proposed).toMatchObject({ tier: 'IMMEDIATE', status: 'sent' });
    expect(proposed?.fingerprint).toBe(await sha256([`mission.proposed|mission:${mission.id}`]));
    const silent = (await about(queued ?? '')).find((n) => n.eventType === 'task.queued');
    expect(silent).toMatchObject({ tier: 'SILENT', status: 'suppressed' });
    expect(silent?.fingerprint).toBe(await sha256([`task.queued|task:${queued}`]));

    await setThresholds({ worktreeCongestion: 1 });
    const scan = await scanNow();
    const stored = (await allNotifications()).filter((n) => n.id.startsWith(scan.id));
    expect(stored.length).toBe(scan.findings.length + 1);
    for (const f of scan.findings) {
      expect(stored.find((n) => n.id === `${scan.id}-${f.trigger}`)?.fingerprint).toBe(
        await sha256([`ops.${f.trigger}|ops:${f.subject}`]),
      );
    }
    expect(stored.find((n) => n.id === scan.id)?.fingerprint).toBe(
      await sha256(scan.findings.map((f) => `ops.${f.trigger}|ops:${f.subject}`)),
    );
    await setThresholds({});

    // The digest of the two hirings goes out on the next tick, today's briefing after it.
    const buffered = (await ceo().state()).digest.members;
    clock.advance(10 * MINUTE);
    const { digest } = await ceo().tick();
    expect(digest).toMatchObject({ status: 'sent' });
    clock.advance(5 * MINUTE); // proactive messages are 3 minutes apart
    expect((await ceo().tick()).briefing).toMatchObject({ status: 'sent' });
    const rows = await allNotifications();
    const sentDigest = rows.find((n) => n.id === (digest as { id: string }).id);
    expect(sentDigest?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    for (const m of buffered) {
      const row = rows.find((n) => n.id === m.id);
      expect(row).toMatchObject({ status: 'sent', digestId: sentDigest?.id });
      expect(row?.fingerprint).toBe(
        await sha256([`${row?.eventType}|${row?.entityType}:${row?.entityId}`]),
      );
    }
    expect(rows.find((n) => n.id === 'briefing-2031-09-09')?.fingerprint).toBe(
      await sha256(['briefing|2031-09-09']),
    );

    const missing = await env.DB.prepare(
      'SELECT id FROM notifications WHERE fingerprint IS NULL',
    ).all<{ id: string }>();
    expect(missing.results).toEqual([]);
  });
});
