import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call } from '../support/client';
import { missionRoutine, type RoutineBody, send, template } from './support';

interface Revisions {
  items: {
    number: number;
    actor: string;
    reason: string | null;
    diff: {
      field: string;
      kind: string;
      path: (string | number)[];
      old?: unknown;
      new?: unknown;
    }[];
    after: Record<string, unknown>;
  }[];
  nextCursor: string | null;
}

const patch = (id: string, cookie: string, json: Record<string, unknown>) =>
  call(`/api/routines/${id}`, { method: 'PATCH', cookie, json });

const revisionsOf = async (id: string, cookie: string, query = '') =>
  (await (await call(`/api/routines/${id}/revisions${query}`, { cookie })).json()) as Revisions;

/** Everything the audit log and the revisions hold about a routine, as text. */
async function recordsOf(id: string): Promise<string> {
  const audit = await env.DB.prepare('SELECT * FROM audit_log WHERE entity_id = ?').bind(id).all();
  const revisions = await env.DB.prepare('SELECT * FROM routine_revisions WHERE routine_id = ?')
    .bind(id)
    .all();
  return JSON.stringify([audit.results, revisions.results]);
}

describe('routines: revisions and rollback', () => {
  it('numbers each tracked change with its semantic diff, who and why', async () => {
    const { routine, cookie } = await missionRoutine('Revised', { webhook: false });
    const edited = await patch(routine.id, cookie, {
      name: 'Revised weekly',
      cron: '0 8 * * 1',
      template: template({ title: 'Revised weekly', budgetUsd: 5 }),
      reason: 'weekly is enough',
    });
    expect(edited.status, await edited.clone().text()).toBe(200);
    expect(((await edited.json()) as RoutineBody).revision).toBe(1);
    const same = await patch(routine.id, cookie, { name: 'Revised weekly' });
    expect(((await same.json()) as RoutineBody).revision).toBe(1);

    const { items } = await revisionsOf(routine.id, cookie);
    expect(items.map((r) => r.number)).toEqual([1, 0]);
    expect(items[0]).toMatchObject({ actor: 'operator@test.hq', reason: 'weekly is enough' });
    expect(items[0]?.diff).toEqual(
      expect.arrayContaining([
        { field: 'name', kind: 'changed', path: [], old: 'Revised', new: 'Revised weekly' },
        {
          field: 'template',
          kind: 'changed',
          path: ['title'],
          old: 'Revised',
          new: 'Revised weekly',
        },
        { field: 'template', kind: 'added', path: ['budgetUsd'], new: 5 },
        { field: 'cron', kind: 'set', path: [], new: '0 8 * * 1' },
      ]),
    );
    expect(items[0]?.diff).toHaveLength(4);
    expect(items[1]).toMatchObject({ number: 0, reason: 'created' });
    const paged = await revisionsOf(routine.id, cookie, '?limit=1');
    expect(paged).toMatchObject({ nextCursor: '1', items: [{ number: 1 }] });
  });

  it('rolls back to a revision as a new one, and leaves the webhook as it is', async () => {
    const { routine, cookie } = await missionRoutine('Rollback me', { webhook: false });
    await patch(routine.id, cookie, { name: 'Broken', concurrency: 'always', cron: '@hourly' });
    await send(`/api/routines/${routine.id}/webhook`, cookie);
    const response = await send(`/api/routines/${routine.id}/revisions/0/rollback`, cookie, {
      json: { reason: 'the edit was wrong' },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as {
      routine: RoutineBody & { concurrency: string };
      revision: number;
      unrestored: { field: string }[];
    };
    expect(body.revision).toBe(3);
    expect(body.routine).toMatchObject({
      name: 'Rollback me',
      concurrency: 'skip_if_open',
      cron: null,
      nextRunAt: null,
      revision: 3,
      webhook: { url: expect.stringContaining(routine.id) },
    });
    expect(body.unrestored).toEqual([{ field: 'webhook', reason: expect.any(String) }]);
    const { items } = await revisionsOf(routine.id, cookie);
    expect(items[0]).toMatchObject({
      number: 3,
      reason: 'Rollback to revision 0: the edit was wrong',
    });
    const missing = await send(`/api/routines/${routine.id}/revisions/9/rollback`, cookie, {
      json: { reason: 'no such' },
    });
    expect(missing.status).toBe(404);
    const noReason = await send(`/api/routines/${routine.id}/revisions/0/rollback`, cookie);
    expect(noReason.status).toBe(400);
  });

  it('keeps webhook secrets out of revisions and the audit log; turning it on is a revision', async () => {
    const { routine, webhookSecret, cookie } = await missionRoutine('Secretive');
    const sealed = await env.DB.prepare(
      'SELECT webhook_secret_sealed AS s FROM routines WHERE id = ?',
    )
      .bind(routine.id)
      .first<{ s: string }>();
    expect(sealed?.s).toMatch(/^v2\./);
    expect(sealed?.s).not.toContain(webhookSecret);
    const rotated = (await (await send(`/api/routines/${routine.id}/webhook`, cookie)).json()) as {
      webhookUrl: string;
      webhookSecret: string;
    };
    expect(rotated.webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.webhookSecret).not.toBe(webhookSecret);
    const off = await call(`/api/routines/${routine.id}/webhook`, { method: 'DELETE', cookie });
    expect(off.status).toBe(200);
    const on = (await (
      await patch(routine.id, cookie, { webhook: true })
    ).json()) as RoutineBody & {
      webhookSecret: string;
    };
    expect(on.webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(on.revision).toBe(2);
    const { items } = await revisionsOf(routine.id, cookie);
    expect(items.map((r) => r.diff)).toEqual([
      [{ field: 'webhook', kind: 'changed', path: [], old: false, new: true }],
      [{ field: 'webhook', kind: 'changed', path: [], old: true, new: false }],
      expect.any(Array),
    ]);
    const records = await recordsOf(routine.id);
    for (const secret of [webhookSecret ?? '', rotated.webhookSecret, on.webhookSecret])
      expect(records).not.toContain(secret);
    expect(records).not.toContain('v2.');
    expect(records).toContain('routine.webhook_rotate');
  });

  it('lets one of two simultaneous edits win; the other gets a 409 and writes nothing', async () => {
    const { routine, cookie } = await missionRoutine('Raced', { webhook: false });
    const answers = await Promise.all([
      patch(routine.id, cookie, { name: 'Raced A' }),
      patch(routine.id, cookie, { name: 'Raced B' }),
    ]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const { items } = await revisionsOf(routine.id, cookie);
    expect(items.map((r) => r.number)).toEqual([1, 0]);
    const shown = (await (
      await call(`/api/routines/${routine.id}`, { cookie })
    ).json()) as RoutineBody;
    expect(shown.name).toBe(items[0]?.after.name);
    const updates = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action = 'routine.update'",
    )
      .bind(routine.id)
      .first<{ n: number }>();
    expect(updates?.n).toBe(1);
  });

  it('audits pre-approval with who granted and who withdrew it', async () => {
    const { routine, cookie } = await missionRoutine('Trusted', { preApproved: true });
    expect(routine).toMatchObject({ preApproved: true, preApprovedBy: 'operator@test.hq' });
    const withdrawn = await patch(routine.id, cookie, { preApproved: false });
    expect(await withdrawn.json()).toMatchObject({ preApproved: false, preApprovedBy: null });
    const audit = await env.DB.prepare(
      "SELECT actor, summary FROM audit_log WHERE entity_id = ? AND action = 'routine.pre_approval' ORDER BY id",
    )
      .bind(routine.id)
      .all<{ actor: string; summary: string }>();
    expect(audit.results.map((r) => [r.actor, JSON.parse(r.summary)])).toEqual([
      ['operator@test.hq', { preApproved: true, by: 'operator@test.hq' }],
      ['operator@test.hq', { preApproved: false, by: 'operator@test.hq' }],
    ]);
  });
});
