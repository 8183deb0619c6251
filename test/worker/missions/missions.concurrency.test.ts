import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { approve, hire, type MissionBody, propose } from './support';

describe('missions: approval is idempotent', () => {
  it('20 concurrent approvals approve once, create its tasks once and record one audit entry', async () => {
    await hire({ slug: 'busy-bee' });
    const { mission, operator } = await propose();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => approve(mission.id, operator)),
    );
    expect(responses.map((r) => r.status)).toEqual(new Array(20).fill(200));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as MissionBody[];
    expect(bodies.filter((b) => b.changed)).toHaveLength(1);
    const count = async (sql: string) =>
      (await env.DB.prepare(sql).bind(mission.id).first<{ n: number }>())?.n;
    expect(await count('SELECT count(*) AS n FROM tasks WHERE mission_id = ?')).toBe(2);
    expect(
      await count(
        "SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action = 'mission.approve'",
      ),
    ).toBe(1);
    expect(
      await count(
        "SELECT count(*) AS n FROM task_events e JOIN tasks t ON t.id = e.task_id WHERE t.mission_id = ? AND e.to_status = 'PENDING'",
      ),
    ).toBe(2);
  });
});
