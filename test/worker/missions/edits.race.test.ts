import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { missions } from '../../../drizzle/schema';
import { database } from '../../../worker/db/client';
import { decide } from '../../../worker/missions/decide';
import { editMission } from '../../../worker/missions/edit';
import { call, signInAs } from '../support/client';
import { approve, hire, propose } from './support';

// Races are set up deterministically: a row read before another request wrote is handed to
// the real domain function afterwards, exactly as a slower concurrent request would hold it.
const by = { actor: 'operator@test.hq', requestId: 'race-test' };
const readRow = async (id: string) =>
  (await database(env).select().from(missions).where(eq(missions.id, id)).get()) ??
  expect.fail(`no mission ${id}`);
const count = async (sql: string, id: string) =>
  (await env.DB.prepare(sql).bind(id).first<{ n: number }>())?.n;
const writesOf = async (id: string) => ({
  revisions: await count('SELECT count(*) AS n FROM mission_revisions WHERE mission_id = ?', id),
  audits: await count(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'mission.edit' AND entity_id = ?",
    id,
  ),
  events: await count(
    "SELECT count(*) AS n FROM domain_events WHERE type = 'mission.revised' AND entity_id = ?",
    id,
  ),
});
const edit = (id: string, cookie: string, json: Record<string, unknown>) =>
  call(`/api/missions/${id}`, { method: 'PATCH', cookie, json });

describe('missions: edits racing edits and decisions', () => {
  it('two edits from the same read: the first wins, the second is a conflict and writes nothing', async () => {
    const { mission } = await propose();
    const stale = await readRow(mission.id);
    await editMission(env, stale, { title: 'First' }, by);
    await expect(editMission(env, stale, { title: 'Second' }, by)).rejects.toThrow(
      /edited at the same time/,
    );
    expect(await readRow(mission.id)).toMatchObject({ title: 'First', revision: 1 });
    expect(await writesOf(mission.id)).toEqual({ revisions: 2, audits: 1, events: 1 });
  });

  it('concurrent PATCHes never lose an update: every 200 is one revision', async () => {
    const { mission, operator } = await propose();
    const responses = await Promise.all(
      ['a', 'b', 'c', 'd'].map((t) => edit(mission.id, operator, { title: `Title ${t}` })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const won = statuses.filter((s) => s === 200).length;
    expect(won).toBeGreaterThan(0);
    expect((await readRow(mission.id)).revision).toBe(won);
    expect(await writesOf(mission.id)).toEqual({ revisions: won + 1, audits: won, events: won });
  });

  it('an edit landing after a decision it did not see is 409 frozen and writes nothing', async () => {
    const { mission, operator } = await propose();
    const stale = await readRow(mission.id);
    await call(`/api/missions/${mission.id}/reject`, {
      method: 'POST',
      cookie: operator,
      json: {},
    });
    await expect(editMission(env, stale, { title: 'Late' }, by)).rejects.toThrow(
      /plan of a REJECTED mission is frozen/,
    );
    expect(await writesOf(mission.id)).toEqual({ revisions: 0, audits: 0, events: 0 });
  });

  it('a decision on a plan edited since it was read is 409 "edited meanwhile", no tasks', async () => {
    await hire({ slug: 'race-worker' });
    const { mission, operator } = await propose();
    const stale = await readRow(mission.id);
    expect((await edit(mission.id, operator, { brief: 'Changed.' })).status).toBe(200);
    await expect(decide(env, by, stale, 'APPROVED', null)).rejects.toThrow(/edited meanwhile/);
    expect((await readRow(mission.id)).status).toBe('PROPOSED');
    expect(await count('SELECT count(*) AS n FROM tasks WHERE mission_id = ?', mission.id)).toBe(0);
    // Looking again (a fresh read) approves the edited plan.
    expect((await approve(mission.id, operator)).status).toBe(200);
  });

  it('history lists proposed, the edit, the decision, task moves and the end, oldest first', async () => {
    await hire({ slug: 'history-worker' });
    const { mission, operator } = await propose();
    await edit(mission.id, operator, { budgetUsd: 5, reason: 'cap it' });
    await approve(mission.id, operator);
    await call(`/api/missions/${mission.id}/cancel`, {
      method: 'POST',
      cookie: operator,
      json: { reason: 'changed our mind' },
    });
    const viewer = await signInAs('viewer@test.hq');
    const { items } = (await (
      await call(`/api/missions/${mission.id}/history`, { cookie: viewer })
    ).json()) as { items: { at: string; actor: string; kind: string; text: string }[] };
    expect(items.slice(0, 3)).toEqual([
      expect.objectContaining({
        kind: 'proposed',
        actor: 'operator@test.hq',
        text: 'proposed with 2 tasks',
      }),
      expect.objectContaining({
        kind: 'revised',
        actor: 'operator@test.hq',
        text: 'revision 1: changed budgetUsd (cap it)',
      }),
      expect.objectContaining({ kind: 'approved', actor: 'operator@test.hq' }),
    ]);
    const moves = items.filter((i) => i.kind === 'task').map((i) => i.text);
    expect(moves).toContain('"Backend part": new → PENDING (mission approved)');
    expect(moves.some((t) => t.startsWith('"Docs part": ') && t.includes('→ CANCELLED'))).toBe(
      true,
    );
    expect(items.at(-1)).toMatchObject({ kind: 'ended', actor: 'operator@test.hq' });
    expect(items.at(-1)?.text).toMatch(/^ended CANCELLED: .*changed our mind/);
    const times = items.map((i) => i.at);
    expect([...times].sort()).toEqual(times);
  });
});
