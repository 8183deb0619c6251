import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from '../../worker/audit/redact';
import { call, errorOf, signInAs } from './support/client';

interface Entry {
  id: number;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  requestId: string;
  summary: Record<string, unknown>;
  createdAt: string;
}
interface Page {
  items: Entry[];
  nextCursor: string | null;
}

const page = async (cookie: string, query: string) =>
  (await (await call(`/api/audit?${query}`, { cookie })).json()) as Page;

async function plant(actor: string, action: string, entityId: string, createdAt: number) {
  await env.DB.prepare(
    'INSERT INTO audit_log (actor, action, entity_type, entity_id, request_id, summary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
    .bind(actor, action, 'thing', entityId, 'req-planted', '{}', createdAt)
    .run();
}

describe('audit trail', () => {
  it('records every successful write with actor, action, entity, request id and summary', async () => {
    const admin = await signInAs('admin@test.hq');
    const grant = await call('/api/roles/audited@test.hq', {
      method: 'PUT',
      cookie: admin,
      json: { role: 'viewer' },
    });
    const viewer = await signInAs('viewer@test.hq');
    const { items } = await page(viewer, 'entityId=audited@test.hq');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      actor: 'admin@test.hq',
      action: 'role.grant',
      entityType: 'user',
      entityId: 'audited@test.hq',
      requestId: grant.headers.get('x-request-id'),
      summary: { from: null, to: 'viewer' },
    });
    expect(Date.now() - Date.parse(items[0]?.createdAt ?? '')).toBeLessThan(60_000);
  });

  it('records nothing for a refused write', async () => {
    const admin = await signInAs('admin@test.hq');
    const operator = await signInAs('operator@test.hq');
    const before = (await page(admin, 'limit=200')).items.length;
    await call('/api/roles/x@test.hq', { method: 'PUT', cookie: admin, json: { role: 'king' } });
    await call('/api/roles/x@test.hq', {
      method: 'PUT',
      cookie: operator,
      json: { role: 'viewer' },
    });
    await call('/api/roles/admin@test.hq', { method: 'DELETE', cookie: admin });
    expect((await page(admin, 'limit=200')).items.length).toBe(before);
  });

  it('filters by actor, action, entity and time range', async () => {
    const base = Date.UTC(2026, 0, 10);
    const hour = 3_600_000;
    await plant('alice@test.hq', 'thing.make', 't1', base);
    await plant('bob@test.hq', 'thing.make', 't2', base + hour);
    await plant('alice@test.hq', 'thing.break', 't2', base + 2 * hour);
    const viewer = await signInAs('viewer@test.hq');
    const ids = async (q: string) =>
      (await page(viewer, q)).items.map((i) => `${i.actor}:${i.action}:${i.entityId}`);
    expect(await ids('actor=alice@test.hq')).toEqual([
      'alice@test.hq:thing.break:t2',
      'alice@test.hq:thing.make:t1',
    ]);
    expect(await ids('action=thing.make')).toEqual([
      'bob@test.hq:thing.make:t2',
      'alice@test.hq:thing.make:t1',
    ]);
    expect(await ids('entityType=thing&entityId=t2')).toEqual([
      'alice@test.hq:thing.break:t2',
      'bob@test.hq:thing.make:t2',
    ]);
    const from = new Date(base + hour).toISOString();
    const to = new Date(base + hour + 1).toISOString();
    expect(await ids(`entityType=thing&from=${from}&to=${to}`)).toEqual([
      'bob@test.hq:thing.make:t2',
    ]);
    expect(await ids('actor=alice@test.hq&action=thing.make')).toEqual([
      'alice@test.hq:thing.make:t1',
    ]);
  });

  it('pages newest first with a cursor, every entry exactly once', async () => {
    for (let i = 0; i < 7; i++) await plant('pager@test.hq', 'page.test', `p${i}`, Date.now() + i);
    const viewer = await signInAs('viewer@test.hq');
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const result: Page = await page(
        viewer,
        `actor=pager@test.hq&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(result.items.length).toBeLessThanOrEqual(3);
      seen.push(...result.items.map((i) => i.entityId));
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(['p6', 'p5', 'p4', 'p3', 'p2', 'p1', 'p0']);
  });

  it('names a bad cursor or an unknown parameter, and refuses anonymous readers', async () => {
    const viewer = await signInAs('viewer@test.hq');
    const cursor = await call('/api/audit?cursor=abc', { cookie: viewer });
    expect((await errorOf(cursor)).fields?.[0]).toMatchObject({ field: 'cursor', in: 'query' });
    const unknown = await call('/api/audit?colour=red', { cookie: viewer });
    expect((await errorOf(unknown)).fields?.[0]).toMatchObject({
      field: 'colour',
      message: 'unknown field',
    });
    expect((await call('/api/audit')).status).toBe(401);
  });

  it('redacts values under secret-looking keys, at any depth', () => {
    expect(
      redact({
        apiKey: 'k',
        nested: { client_secret: 's', list: [{ Authorization: 'Bearer x', plain: 'kept' }] },
        password: 'p',
        cookie: 'c',
        token: null,
        name: 'visible',
      }),
    ).toEqual({
      apiKey: REDACTED,
      nested: { client_secret: REDACTED, list: [{ Authorization: REDACTED, plain: 'kept' }] },
      password: REDACTED,
      cookie: REDACTED,
      token: null,
      name: 'visible',
    });
  });
});
