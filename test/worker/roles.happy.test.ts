import { describe, expect, it } from 'vitest';
import { call, signInAs } from './support/client';

interface RoleEntry {
  email: string;
  role: string | null;
  source: string;
}
const roles = async (cookie: string) =>
  ((await (await call('/api/roles', { cookie })).json()) as { roles: RoleEntry[] }).roles;

const devLogin = (email: string) => call('/auth/dev/login', { method: 'POST', json: { email } });

describe('roles: admins grant and revoke', () => {
  it('lists the env bootstrap roles', async () => {
    const admin = await signInAs('admin@test.hq');
    expect(await roles(admin)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: 'admin@test.hq', role: 'admin', source: 'env' }),
        expect.objectContaining({ email: 'operator@test.hq', role: 'operator', source: 'env' }),
      ]),
    );
  });

  it('a granted role lets a new email sign in with it', async () => {
    const admin = await signInAs('admin@test.hq');
    expect((await devLogin('newcomer@test.hq')).status).toBe(403);
    const grant = await call('/api/roles/Newcomer@Test.hq', {
      method: 'PUT',
      cookie: admin,
      json: { role: 'operator' },
    });
    expect(grant.status).toBe(200);
    expect(await grant.json()).toEqual({ email: 'newcomer@test.hq', role: 'operator' });
    const login = await devLogin('newcomer@test.hq');
    expect(await login.json()).toEqual({ email: 'newcomer@test.hq', role: 'operator' });
    expect(await roles(admin)).toContainEqual(
      expect.objectContaining({ email: 'newcomer@test.hq', role: 'operator', source: 'granted' }),
    );
  });

  it('a revocation ends sessions at once and overrides the env lists', async () => {
    const admin = await signInAs('admin@test.hq');
    await call('/api/roles/leaver@test.hq', {
      method: 'PUT',
      cookie: admin,
      json: { role: 'viewer' },
    });
    const leaver = await signInAs('leaver@test.hq');
    expect((await call('/api/me', { cookie: leaver })).status).toBe(200);
    const revoke = await call('/api/roles/leaver@test.hq', { method: 'DELETE', cookie: admin });
    expect(revoke.status).toBe(200);
    expect((await call('/api/me', { cookie: leaver })).status).toBe(401);
    expect((await devLogin('leaver@test.hq')).status).toBe(403);

    const envViewer = await signInAs('viewer@test.hq');
    expect(
      (await call('/api/roles/viewer@test.hq', { method: 'DELETE', cookie: admin })).status,
    ).toBe(200);
    expect((await call('/api/me', { cookie: envViewer })).status).toBe(401);
    expect((await devLogin('viewer@test.hq')).status).toBe(403);
    expect(await roles(admin)).toContainEqual(
      expect.objectContaining({ email: 'viewer@test.hq', role: null, source: 'revoked' }),
    );
    // Granting again restores access.
    await call('/api/roles/viewer@test.hq', {
      method: 'PUT',
      cookie: admin,
      json: { role: 'viewer' },
    });
    expect((await devLogin('viewer@test.hq')).status).toBe(200);
  });

  it('promotes an operator, and the new role applies to the existing session', async () => {
    const admin = await signInAs('admin@test.hq');
    await call('/api/roles/climber@test.hq', {
      method: 'PUT',
      cookie: admin,
      json: { role: 'viewer' },
    });
    const climber = await signInAs('climber@test.hq');
    expect((await call('/api/roles', { cookie: climber })).status).toBe(403);
    await call('/api/roles/climber@test.hq', {
      method: 'PUT',
      cookie: admin,
      json: { role: 'admin' },
    });
    expect((await call('/api/roles', { cookie: climber })).status).toBe(200);
  });
});
