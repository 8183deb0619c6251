import { describe, expect, it } from 'vitest';
import { call, cookieFrom, errorOf, signInAs } from './support/client';

describe('local sign-in', () => {
  it('signs in a known email from loopback and GET /api/me answers email and role', async () => {
    const response = await call('/auth/dev/login', {
      method: 'POST',
      json: { email: 'Operator@Test.HQ' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ email: 'operator@test.hq', role: 'operator' });
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('hq_session='));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const me = await call('/api/me', { cookie: cookieFrom(response, 'hq_session') });
    expect(await me.json()).toEqual({ email: 'operator@test.hq', role: 'operator' });
  });

  it('refuses an email with no role with 403 and sets no cookie', async () => {
    const response = await call('/auth/dev/login', {
      method: 'POST',
      json: { email: 'stranger@test.hq' },
    });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toContain('stranger@test.hq');
    expect(cookieFrom(response, 'hq_session')).toBeUndefined();
  });

  it('does not exist when DEV_LOGIN is not true', async () => {
    for (const value of [undefined, '', 'false', '1']) {
      const response = await call('/auth/dev/login', {
        method: 'POST',
        json: { email: 'admin@test.hq' },
        env: { DEV_LOGIN: value },
      });
      expect(response.status).toBe(404);
    }
  });

  it('does not exist for a request from another machine', async () => {
    for (const clientIp of ['203.0.113.9', '10.0.0.2', '']) {
      const response = await call('/auth/dev/login', {
        method: 'POST',
        json: { email: 'admin@test.hq' },
        clientIp,
      });
      expect(response.status).toBe(404);
    }
  });

  it('is listed by /auth/providers only when enabled', async () => {
    const on = await call('/auth/providers');
    expect(await on.json()).toMatchObject({ devLogin: true });
    const off = await call('/auth/providers', { env: { DEV_LOGIN: 'false' } });
    expect(await off.json()).toMatchObject({ devLogin: false });
  });
});

describe('sessions', () => {
  it('answers 401 without a session, and with a forged one', async () => {
    expect((await call('/api/me')).status).toBe(401);
    const forged = await call('/api/me', { cookie: 'hq_session=not-a-real-token' });
    expect(forged.status).toBe(401);
    expect((await errorOf(forged)).code).toBe('unauthenticated');
  });

  it('sign-out ends the session on the server, not only in the browser', async () => {
    const cookie = await signInAs('viewer@test.hq');
    expect((await call('/api/me', { cookie })).status).toBe(200);
    const out = await call('/auth/logout', { method: 'POST', cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/hq_session=;.*Max-Age=0/i);
    // Replaying the old cookie after sign-out must not work.
    expect((await call('/api/me', { cookie })).status).toBe(401);
  });

  it('a session signed under one secret is not valid under another', async () => {
    const cookie = await signInAs('viewer@test.hq');
    const other = await call('/api/me', {
      cookie,
      env: { SESSION_SECRET: 'another-secret-that-is-long-enough-0123456789' },
    });
    expect(other.status).toBe(401);
  });
});
