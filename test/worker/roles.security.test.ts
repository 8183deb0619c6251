import { describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from './support/client';

const routes = [
  { path: '/api/roles', method: 'GET' },
  { path: '/api/roles/x@test.hq', method: 'PUT', json: { role: 'admin' } },
  { path: '/api/roles/x@test.hq', method: 'DELETE' },
];

describe('roles: who may change them', () => {
  it('refuses viewers and operators (403) and anonymous callers (401)', async () => {
    for (const email of ['viewer@test.hq', 'operator@test.hq']) {
      const cookie = await signInAs(email);
      for (const route of routes)
        expect((await call(route.path, { ...route, cookie })).status).toBe(403);
    }
    for (const route of routes) expect((await call(route.path, route)).status).toBe(401);
    // Nobody was granted anything on the way.
    expect(
      (await call('/auth/dev/login', { method: 'POST', json: { email: 'x@test.hq' } })).status,
    ).toBe(403);
  });

  it('an admin cannot lower or revoke their own role (no lock-out by accident)', async () => {
    const admin = await signInAs('admin@test.hq');
    const lower = await call('/api/roles/admin@test.hq', {
      method: 'PUT',
      cookie: admin,
      json: { role: 'viewer' },
    });
    expect(lower.status).toBe(409);
    expect(
      (await call('/api/roles/admin@test.hq', { method: 'DELETE', cookie: admin })).status,
    ).toBe(409);
    expect(await (await call('/api/me', { cookie: admin })).json()).toEqual({
      email: 'admin@test.hq',
      role: 'admin',
    });
  });

  it('answers 404 when revoking an email with no role, 400 naming a bad email or role', async () => {
    const admin = await signInAs('admin@test.hq');
    expect(
      (await call('/api/roles/nobody@test.hq', { method: 'DELETE', cookie: admin })).status,
    ).toBe(404);
    const badEmail = await call('/api/roles/not-an-email', {
      method: 'PUT',
      cookie: admin,
      json: { role: 'viewer' },
    });
    expect(badEmail.status).toBe(400);
    expect((await errorOf(badEmail)).fields).toEqual([
      expect.objectContaining({ field: 'email', in: 'path' }),
    ]);
    const badRole = await call('/api/roles/someone@test.hq', {
      method: 'PUT',
      cookie: admin,
      json: { role: 'god' },
    });
    expect((await errorOf(badRole)).fields).toEqual([
      expect.objectContaining({ field: 'role', in: 'body' }),
    ]);
  });
});
