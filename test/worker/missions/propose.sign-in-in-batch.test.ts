import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { missions } from '../../../drizzle/schema';
import {
  forgetSession,
  rememberedSession,
  rememberedSessionCount,
  rememberSession,
} from '../../../worker/auth/sign-in-in-batch';
import { guardedInsert } from '../../../worker/db/guarded-insert';
import { call, errorOf, signInAs } from '../support/client';
import { createToken, withToken } from '../tokens/support';
import { countingDb } from './counting-db';
import { plan } from './support';

// Proposing checks a remembered session in the proposal's own D1 batch (one round trip,
// worker/auth/sign-in-in-batch.ts). These pin that an ended session, an expired one or a
// revoked role still writes nothing and gets its 401 or 403, as with the check first.

const EMAIL = 'operator@test.hq';

const proposeAs = (cookie: string, title: string, db?: D1Database) =>
  call('/api/missions', {
    method: 'POST',
    cookie,
    json: plan({ title }),
    ...(db ? { env: { DB: db } } : {}),
  });

/** What a proposal titled `title` left behind: missions, their events and audit entries. */
async function traces(title: string) {
  const [mission, event, audit] = await env.DB.batch<{ n: number }>([
    env.DB.prepare('SELECT count(*) AS n FROM missions WHERE title = ?').bind(title),
    env.DB.prepare(
      "SELECT count(*) AS n FROM domain_events WHERE type = 'mission.proposed' AND json_extract(payload, '$.title') = ?",
    ).bind(title),
    env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'mission.propose' AND json_extract(summary, '$.title') = ?",
    ).bind(title),
  ]);
  return [mission, event, audit].map((r) => r?.results[0]?.n);
}

describe('a proposal checks the sign-in in its own batch', () => {
  it('is one round trip once the session is remembered; the mission, its event and its audit entry name the proposer', async () => {
    const operator = await signInAs(EMAIL);
    // Not remembered yet: the full check first, then the proposal.
    const first = countingDb();
    expect((await proposeAs(operator, 'Two trips', first.db)).status).toBe(201);
    expect(first.trips()).toBe(2);
    const counting = countingDb();
    const response = await proposeAs(operator, 'One trip', counting.db);
    expect(response.status, await response.clone().text()).toBe(201);
    expect(counting.trips()).toBe(1);
    const body = (await response.json()) as { id: string; proposedBy: string; status: string };
    expect(body).toMatchObject({ proposedBy: EMAIL, status: 'PROPOSED' });
    expect(await traces('One trip')).toEqual([1, 1, 1]);
    const audit = await env.DB.prepare(
      "SELECT actor FROM audit_log WHERE action = 'mission.propose' AND entity_id = ?",
    )
      .bind(body.id)
      .first<{ actor: string }>();
    expect(audit?.actor).toBe(EMAIL);
  });

  // The session is remembered by a first proposal, then ended behind the guard's back.
  for (const [how, end] of [
    ['ended (its row gone)', 'DELETE FROM sessions WHERE email = ?'],
    ['expired', 'UPDATE sessions SET expires_at = 1 WHERE email = ?'],
  ] as const) {
    it(`a session ${how} writes nothing and is 401`, async () => {
      const operator = await signInAs(EMAIL);
      expect((await proposeAs(operator, `Before: ${how}`)).status).toBe(201);
      await env.DB.prepare(end).bind(EMAIL).run();
      const refused = await proposeAs(operator, `After: ${how}`);
      expect(refused.status).toBe(401);
      expect((await errorOf(refused)).code).toBe('unauthenticated');
      expect(await traces(`After: ${how}`)).toEqual([0, 0, 0]);
    });
  }

  it('a role revoked or lowered meanwhile writes nothing and is 403; restored, it writes again', async () => {
    const operator = await signInAs(EMAIL);
    const grant = (role: string | null) =>
      env.DB.prepare(
        `INSERT INTO role_grants (email, role, granted_by, updated_at) VALUES (?, ?, 'test', ?)
         ON CONFLICT (email) DO UPDATE SET role = excluded.role`,
      )
        .bind(EMAIL, role, Date.now())
        .run();
    expect((await proposeAs(operator, 'Before the grant')).status).toBe(201);
    await grant(null);
    const revoked = await proposeAs(operator, 'Revoked');
    expect(revoked.status).toBe(403);
    expect(await traces('Revoked')).toEqual([0, 0, 0]);
    // The refusal forgot the session's email: the next request checks first, then remembers.
    await grant('viewer');
    const lowered = await proposeAs(operator, 'Lowered');
    expect(lowered.status).toBe(403);
    expect((await errorOf(lowered)).message).toContain('is viewer');
    expect(await traces('Lowered')).toEqual([0, 0, 0]);
    await grant('admin');
    expect((await proposeAs(operator, 'Admin now')).status).toBe(201);
    expect(await traces('Admin now')).toEqual([1, 1, 1]);
    await env.DB.prepare('DELETE FROM role_grants WHERE email = ?').bind(EMAIL).run();
  });

  it('a viewer, no cookie, or an API token: answered as before', async () => {
    const viewer = await signInAs('viewer@test.hq');
    // Remembered as a viewer: checked in full every time, so a bad body is still a 403.
    expect((await call('/api/missions', { cookie: viewer })).status).toBe(200);
    expect((await proposeAs(viewer, 'By a viewer')).status).toBe(403);
    const bad = await call('/api/missions', { method: 'POST', cookie: viewer, json: {} });
    expect(bad.status).toBe(403);
    expect(await traces('By a viewer')).toEqual([0, 0, 0]);
    const unsigned = await call('/api/missions', {
      method: 'POST',
      json: plan({ title: 'No one' }),
    });
    expect(unsigned.status).toBe(401);
    const { token } = await createToken('propose-in-batch', 'operator');
    const byToken = await withToken(token, '/api/missions', {
      method: 'POST',
      json: plan({ title: 'By a token' }),
    });
    expect(byToken.status, await byToken.clone().text()).toBe(201);
    expect(((await byToken.json()) as { proposedBy: string }).proposedBy).toBe(
      'token:propose-in-batch',
    );
  });

  it('remembers a bounded number of sessions, the oldest dropped first', () => {
    for (let i = 0; i < 800; i++)
      rememberSession(`bench-hash-${i}`, { email: `u${i}@test.hq`, role: 'operator' });
    expect(rememberedSessionCount()).toBe(500);
    expect(rememberedSession('bench-hash-299')).toBeUndefined();
    expect(rememberedSession('bench-hash-300')).toEqual({
      email: 'u300@test.hq',
      role: 'operator',
    });
    expect(rememberedSession('bench-hash-799')?.email).toBe('u799@test.hq');
    for (let i = 0; i < 800; i++) forgetSession(`bench-hash-${i}`);
    expect(rememberedSession('bench-hash-799')).toBeUndefined();
  });

  it('guardedInsert writes the insert only where its condition holds, and takes a single row only', async () => {
    const db = drizzle(env.DB);
    const one = db.insert(missions).values({
      id: 'g1',
      title: 't',
      brief: 'b',
      repository: 'acme/app',
      proposedBy: EMAIL,
      createdAt: 1,
      updatedAt: 1,
    });
    const count = async () =>
      (
        await env.DB.prepare("SELECT count(*) AS n FROM missions WHERE id = 'g1'").first<{
          n: number;
        }>()
      )?.n;
    await guardedInsert(env.DB, one, { sql: '? = 0', values: [1] }).run();
    expect(await count()).toBe(0);
    await guardedInsert(env.DB, one, { sql: '? = 1', values: [1] }).run();
    expect(await count()).toBe(1);
    const row = (id: string) => ({
      id,
      title: 't',
      brief: 'b',
      repository: 'a/b',
      proposedBy: EMAIL,
      createdAt: 1,
      updatedAt: 1,
    });
    const two = db.insert(missions).values([row('g2'), row('g3')]);
    expect(() => guardedInsert(env.DB, two, { sql: '1', values: [] })).toThrow(/single-row/);
  });
});
