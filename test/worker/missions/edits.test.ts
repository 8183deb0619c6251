import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from '../support/client';
import { approve, hire, type MissionBody, propose } from './support';

interface Edited extends MissionBody {
  revision: number;
  plan: { title: string; expectedScope: string[] }[];
  budgetUsd: number | null;
  changes: { field: string; kind: string; path: (string | number)[] }[];
}
interface Revision {
  number: number;
  actor: string;
  reason: string | null;
  fields: string[];
  diff: { field: string; kind: string; path: (string | number)[]; old?: unknown; new?: unknown }[];
}

const edit = (id: string, cookie: string, json: Record<string, unknown>) =>
  call(`/api/missions/${id}`, { method: 'PATCH', cookie, json });

const count = async (sql: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...params)
      .first<{ n: number }>()
  )?.n;

/** The plan of support.ts's `plan()` with the first task's scope narrowed. */
const narrowed = [
  { title: 'Backend part', spec: 'Do the backend.', expectedScope: ['src/api/**'] },
  { title: 'Docs part', spec: 'Write the docs.', expectedScope: ['docs/**'] },
];

describe('missions: edits before approval', () => {
  it('an edit makes revision 1 with its diff, reason, event and audit entry', async () => {
    const { mission, operator } = await propose();
    const response = await edit(mission.id, operator, {
      tasks: narrowed,
      budgetUsd: 12,
      reason: 'only the API',
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as Edited;
    expect(body).toMatchObject({ changed: true, revision: 1, budgetUsd: 12, status: 'PROPOSED' });
    expect(body.plan[0]?.expectedScope).toEqual(['src/api/**']);
    expect(body.changes.map((c) => c.field).sort()).toEqual(['budgetUsd', 'tasks', 'tasks']);

    const viewer = await signInAs('viewer@test.hq');
    const list = (await (
      await call(`/api/missions/${mission.id}/revisions`, { cookie: viewer })
    ).json()) as { items: Revision[] };
    expect(list.items.map((r) => r.number)).toEqual([1, 0]);
    const [one, zero] = list.items;
    expect(one).toMatchObject({
      actor: 'operator@test.hq',
      reason: 'only the API',
      fields: ['budgetUsd', 'tasks'],
    });
    // The task changed as a whole entry: the old one removed, the new one added, at index 0.
    expect(one?.diff).toContainEqual(
      expect.objectContaining({ field: 'tasks', kind: 'added', path: [0] }),
    );
    expect(one?.diff).toContainEqual({ field: 'budgetUsd', kind: 'set', path: [], new: 12 });
    expect(zero).toMatchObject({ actor: 'operator@test.hq', reason: 'proposed' });

    const event = await env.DB.prepare(
      "SELECT payload FROM domain_events WHERE type = 'mission.revised' AND entity_id = ?",
    )
      .bind(mission.id)
      .first<{ payload: string }>();
    expect(JSON.parse(event?.payload ?? '{}')).toMatchObject({
      revision: 1,
      fields: ['budgetUsd', 'tasks'],
      actor: 'operator@test.hq',
      reason: 'only the API',
      proposedBy: 'operator@test.hq',
    });
    const audit = await env.DB.prepare(
      "SELECT actor, summary FROM audit_log WHERE action = 'mission.edit' AND entity_id = ?",
    )
      .bind(mission.id)
      .first<{ actor: string; summary: string }>();
    expect(audit?.actor).toBe('operator@test.hq');
    expect(JSON.parse(audit?.summary ?? '{}')).toMatchObject({
      revision: 1,
      reason: 'only the API',
    });
  });

  it('an edit that changes nothing is 200 with changed false and no revision', async () => {
    const { mission, operator } = await propose();
    const response = await edit(mission.id, operator, {
      title: 'Ship the thing',
      targetBranch: 'main',
      reason: 'no-op',
    });
    expect(await response.json()).toMatchObject({ changed: false, revision: 0, changes: [] });
    expect(
      await count('SELECT count(*) AS n FROM mission_revisions WHERE mission_id = ?', mission.id),
    ).toBe(0);
  });

  it('bad input is a 400 naming the field; the repository is not editable', async () => {
    const { mission, operator } = await propose();
    const badScope = await edit(mission.id, operator, {
      tasks: [{ title: 't', spec: 's', expectedScope: [] }],
    });
    expect(badScope.status).toBe(400);
    expect((await errorOf(badScope)).fields?.map((f) => f.field)).toEqual([
      'tasks.0.expectedScope',
    ]);
    const repository = await edit(mission.id, operator, { repository: 'acme/other' });
    expect(repository.status).toBe(400);
    expect((await errorOf(repository)).fields?.[0]?.field).toBe('repository');
  });

  it('a viewer cannot edit (403) but reads revisions and history', async () => {
    const { mission } = await propose();
    const viewer = await signInAs('viewer@test.hq');
    expect((await edit(mission.id, viewer, { title: 'Mine now' })).status).toBe(403);
    expect((await call(`/api/missions/${mission.id}/history`, { cookie: viewer })).status).toBe(
      200,
    );
    // Never edited: revision 0 is not stored yet, and is shown from the row as proposed.
    const list = (await (
      await call(`/api/missions/${mission.id}/revisions`, { cookie: viewer })
    ).json()) as { items: Revision[] };
    expect(list.items).toEqual([
      expect.objectContaining({ number: 0, actor: 'operator@test.hq', reason: 'proposed' }),
    ]);
    expect(list.items[0]?.fields).toEqual(['title', 'brief', 'targetBranch', 'tasks']);
  });

  it('an APPROVED mission is frozen: 409 and nothing written', async () => {
    const { mission, operator } = await propose();
    expect((await approve(mission.id, operator)).status).toBe(200);
    const response = await edit(mission.id, operator, { title: 'Too late', reason: 'late' });
    expect(response.status).toBe(409);
    expect((await errorOf(response)).message).toMatch(/plan of an APPROVED mission is frozen/);
    const row = await env.DB.prepare('SELECT title, revision FROM missions WHERE id = ?')
      .bind(mission.id)
      .first();
    expect(row).toEqual({ title: 'Ship the thing', revision: 0 });
    expect(
      await count(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'mission.edit' AND entity_id = ?",
        mission.id,
      ),
    ).toBe(0);
  });

  it('approval after an edit creates the tasks of the edited plan', async () => {
    await hire({ slug: 'edit-worker' });
    const { mission, operator } = await propose();
    await edit(mission.id, operator, { tasks: narrowed, reason: 'narrow' });
    const approved = await approve(mission.id, operator);
    expect(approved.status).toBe(200);
    const body = (await approved.json()) as MissionBody;
    const scopes = await env.DB.prepare(
      'SELECT title, expected_scope FROM tasks WHERE mission_id = ? ORDER BY created_at',
    )
      .bind(mission.id)
      .all<{ title: string; expected_scope: string }>();
    expect(scopes.results.map((t) => JSON.parse(t.expected_scope))).toEqual([
      ['src/api/**'],
      ['docs/**'],
    ]);
    expect(body.tasks).toHaveLength(2);
  });

  it('an approval naming the revision it was shown is 409 after a later edit', async () => {
    const { mission, operator } = await propose();
    await edit(mission.id, operator, { brief: 'A new brief.' });
    const stale = await call(`/api/missions/${mission.id}/approve`, {
      method: 'POST',
      cookie: operator,
      json: { revision: 0 },
    });
    expect(stale.status).toBe(409);
    expect((await errorOf(stale)).message).toMatch(/edited meanwhile/);
    expect(await count('SELECT count(*) AS n FROM tasks WHERE mission_id = ?', mission.id)).toBe(0);
    const fresh = await call(`/api/missions/${mission.id}/approve`, {
      method: 'POST',
      cookie: operator,
      json: { revision: 1 },
    });
    expect(fresh.status).toBe(200);
  });
});
