import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { propose } from '../missions/support';
import { call, errorOf, signInAs } from '../support/client';
import { type CreatedToken, createToken, withToken } from './support';

/** Every row of every table of the app, as text (D1's own _cf_ tables are out of reach). */
async function everyRow(): Promise<string> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%'",
  ).all<{ name: string }>();
  let text = '';
  for (const { name } of results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    text += JSON.stringify(rows.results);
  }
  return text;
}

describe('API tokens: an admin creates, lists and revokes them; the secret is shown once', () => {
  it('creates a token with a role and expiry, shows it once, stores only its hash', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = await createToken('ci-bot', 'operator', expiresAt);
    expect(created.token).toMatch(/^hq_api_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'ci-bot', role: 'operator', actor: 'token:ci-bot' });
    expect(created.expiresAt).toBe(expiresAt);

    const list = await call('/api/tokens', { cookie: created.admin });
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(created.token);
    const { tokens } = JSON.parse(text) as { tokens: CreatedToken[] };
    expect(tokens.map((t) => [t.name, t.role, t.lastUsedAt])).toEqual([
      ['ci-bot', 'operator', null],
    ]);
    expect(tokens[0]).not.toHaveProperty('token');

    // Nowhere in the database, the audit log included; its SHA-256 is what is kept.
    const rows = await everyRow();
    expect(rows).not.toContain(created.token);
    expect(rows).not.toContain(created.token.slice('hq_api_'.length));
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(created.token));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(rows).toContain(hex);

    const audit = await call('/api/audit?entityType=api_token', { cookie: created.admin });
    const { items } = (await audit.json()) as { items: { action: string; actor: string }[] };
    expect(items.map((i) => [i.action, i.actor])).toEqual([['api_token.create', 'admin@test.hq']]);
  });

  it('refuses a past expiry, an admin role, an odd name and a reused name, naming the field', async () => {
    const admin = await signInAs('admin@test.hq');
    const post = (json: unknown) => call('/api/tokens', { method: 'POST', cookie: admin, json });
    const past = await post({ name: 'old', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect((await errorOf(past)).fields?.[0]?.field).toBe('expiresAt');
    const admin_ = await post({ name: 'root', role: 'admin' });
    expect(admin_.status).toBe(400);
    expect((await errorOf(admin_)).fields?.[0]?.field).toBe('role');
    const odd = await post({ name: 'a b <script>', role: 'viewer' });
    expect(odd.status).toBe(400);
    expect((await post({ name: 'twice', role: 'viewer' })).status).toBe(201);
    const again = await post({ name: 'twice', role: 'operator' });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toContain('twice');
  });

  it('revokes: the token stops at once with 401 naming why, and the revocation is audited', async () => {
    const created = await createToken('reporting', 'viewer');
    expect((await withToken(created.token, '/api/tasks')).status).toBe(200);
    const revoked = await call(`/api/tokens/${created.id}`, {
      method: 'DELETE',
      cookie: created.admin,
    });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as CreatedToken).revokedAt).not.toBeNull();
    const refused = await withToken(created.token, '/api/tasks');
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).message).toMatch(/API token reporting was revoked at/);
    const audit = await call(`/api/audit?entityId=${created.id}`, { cookie: created.admin });
    const { items } = (await audit.json()) as {
      items: { action: string; actor: string; summary: Record<string, unknown> }[];
    };
    // The reads before were not audited (last use only); the refused attempt after is.
    expect(items.map((i) => [i.action, i.actor])).toEqual([
      ['api_token.refused', 'token:reporting'],
      ['api_token.revoke', 'admin@test.hq'],
      ['api_token.create', 'admin@test.hq'],
    ]);
    expect(items[0]?.summary).toMatchObject({ method: 'GET', path: '/api/tasks', status: 401 });
    expect(
      (await call('/api/tokens/nope', { method: 'DELETE', cookie: created.admin })).status,
    ).toBe(404);
  });

  it('refuses an expired token with 401 naming the time', async () => {
    const created = await createToken(
      'short-lived',
      'viewer',
      new Date(Date.now() + 60_000).toISOString(),
    );
    expect((await withToken(created.token, '/api/tasks')).status).toBe(200);
    // Time passes: the expiry is now behind us.
    await env.DB.prepare('UPDATE api_tokens SET expires_at = ? WHERE id = ?')
      .bind(Date.now() - 1000, created.id)
      .run();
    const refused = await withToken(created.token, '/api/tasks');
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).message).toMatch(/API token short-lived expired at/);
  });

  it('notes the last use, at most once a minute', async () => {
    const created = await createToken('poller', 'viewer');
    expect((await withToken(created.token, '/api/me')).status).toBe(200);
    const lastUsed = async () =>
      (
        await env.DB.prepare('SELECT last_used_at AS at FROM api_tokens WHERE id = ?')
          .bind(created.id)
          .first<{ at: number | null }>()
      )?.at;
    const first = await lastUsed();
    expect(first).toBeTypeOf('number');
    expect((await withToken(created.token, '/api/tasks')).status).toBe(200);
    expect(await lastUsed()).toBe(first);
  });

  it('a viewer token reads but cannot write; /api/me names the token', async () => {
    const { token } = await createToken('dashboard', 'viewer');
    const me = await withToken(token, '/api/me');
    expect(await me.json()).toEqual({ email: 'token:dashboard', role: 'viewer' });
    expect((await withToken(token, '/api/missions')).status).toBe(200);
    const { mission } = await propose();
    const write = await withToken(token, `/api/missions/${mission.id}/approve`, {
      method: 'POST',
      json: {},
    });
    expect(write.status).toBe(403);
    expect((await errorOf(write)).message).toBe(
      'This needs the operator role; token:dashboard is viewer.',
    );
  });

  it('an operator token approves a mission, and the audit log names the token', async () => {
    const { token } = await createToken('ci-deployer', 'operator');
    const { mission, operator } = await propose();
    const approved = await withToken(token, `/api/missions/${mission.id}/approve`, {
      method: 'POST',
      json: {},
    });
    expect(approved.status, await approved.clone().text()).toBe(200);
    expect(((await approved.json()) as { status: string }).status).toBe('APPROVED');
    const audit = await call(`/api/audit?entityId=${mission.id}`, { cookie: operator });
    const { items } = (await audit.json()) as { items: { action: string; actor: string }[] };
    expect(items[0]).toMatchObject({ actor: 'token:ci-deployer' });
    expect(items.map((i) => i.actor)).toContain('operator@test.hq');
    // And a write the route does not audit itself (a CEO scan) is on record too.
    expect((await withToken(token, '/api/ceo/scan', { method: 'POST', json: {} })).status).toBe(
      200,
    );
    const byToken = await call('/api/audit?actor=token:ci-deployer', { cookie: operator });
    const mine = (await byToken.json()) as {
      items: { action: string; summary: Record<string, unknown> }[];
    };
    expect(
      mine.items.filter((i) => i.action === 'api_token.request').map((i) => i.summary),
    ).toEqual([
      { method: 'POST', path: '/api/ceo/scan', status: 200 },
      { method: 'POST', path: `/api/missions/${mission.id}/approve`, status: 200 },
    ]);
  });
});
