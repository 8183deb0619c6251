import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ceo, noModel } from '../ceo/support';
import { approve, plan, propose } from '../missions/support';
import { signInAs } from '../support/client';
import { callbackUpdate, deliver, linkChat, useTelegram } from '../telegram/support';

const count = async (sql: string, id: string) =>
  (await env.DB.prepare(sql).bind(id).first<{ n: number }>())?.n;

describe('100 concurrent approvals of one mission', () => {
  it('approve it once, from the API and from Telegram buttons at the same time', async () => {
    await useTelegram();
    await noModel();
    const chat = await linkChat('operator@test.hq');
    const { mission, operator } = await propose(plan({ title: 'Hundred approvals' }));
    const admin = await signInAs('admin@test.hq');
    const calls = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? approve(mission.id, i % 4 === 0 ? operator : admin)
        : deliver(callbackUpdate(chat, `mission:approve:${mission.id}`)),
    );
    const answers = await Promise.all(calls);
    expect(answers.map((r) => r.status).every((s) => s === 200)).toBe(true);
    await ceo().poke(); // the taps are processed from the CEO's queue
    const row = await env.DB.prepare('SELECT status FROM missions WHERE id = ?')
      .bind(mission.id)
      .first();
    expect(row).toEqual({ status: 'APPROVED' });
    expect(await count('SELECT COUNT(*) AS n FROM tasks WHERE mission_id = ?', mission.id)).toBe(2);
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'mission.approve' AND entity_id = ?`,
        mission.id,
      ),
    ).toBe(1);
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM domain_events WHERE type = 'mission.decided' AND entity_id = ?`,
        mission.id,
      ),
    ).toBe(1);
  }, 60_000);
});
