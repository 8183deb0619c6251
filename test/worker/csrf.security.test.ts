import { describe, expect, it } from 'vitest';
import { call, errorOf, ORIGIN, signInAs } from './support/client';

describe('CSRF: cookie-authenticated writes must come from the app itself', () => {
  it('refuses a write whose Origin is another site, and changes nothing', async () => {
    const cookie = await signInAs('admin@test.hq');
    const response = await call('/api/roles/mallory@test.hq', {
      method: 'PUT',
      cookie,
      json: { role: 'admin' },
      headers: { origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('csrf_rejected');
    const after = await call('/auth/dev/login', {
      method: 'POST',
      json: { email: 'mallory@test.hq' },
    });
    expect(after.status).toBe(403);
  });

  it('refuses sign-out from another site (it is a cookie-authenticated write too)', async () => {
    const cookie = await signInAs('viewer@test.hq');
    const response = await call('/auth/logout', {
      method: 'POST',
      cookie,
      headers: { origin: 'http://localhost:9999' },
    });
    expect(response.status).toBe(403);
    expect((await call('/api/me', { cookie })).status).toBe(200);
  });

  it('refuses a write with neither Origin nor Sec-Fetch-Site, accepts same-origin fetch metadata', async () => {
    const cookie = await signInAs('admin@test.hq');
    const refused = await call('/api/roles/x@test.hq', {
      method: 'PUT',
      cookie,
      headers: { 'content-type': 'application/json', origin: '' },
      body: JSON.stringify({ role: 'viewer' }),
    });
    expect(refused.status).toBe(403);
    const accepted = await call('/api/roles/x@test.hq', {
      method: 'PUT',
      cookie,
      headers: { origin: '', 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'viewer' }),
    });
    expect(accepted.status).toBe(200);
  });

  it('accepts a write from the app origin', async () => {
    const cookie = await signInAs('admin@test.hq');
    const response = await call('/api/roles/y@test.hq', {
      method: 'PUT',
      cookie,
      json: { role: 'viewer' },
      headers: { origin: ORIGIN },
    });
    expect(response.status).toBe(200);
  });

  it('uses APP_ORIGIN as the app origin when set', async () => {
    const cookie = await signInAs('admin@test.hq');
    const response = await call('/api/roles/z@test.hq', {
      method: 'PUT',
      cookie,
      json: { role: 'viewer' },
      headers: { origin: ORIGIN },
      env: { APP_ORIGIN: 'https://hq.example.com' },
    });
    expect(response.status).toBe(403);
  });
});
