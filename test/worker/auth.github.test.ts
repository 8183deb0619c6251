import { beforeAll, describe, expect, inject, it } from 'vitest';
import { followAuthorization } from '../support/follow-authorization';
import { type CallOptions, call, cookieFrom, errorOf, ORIGIN } from './support/client';

// A local GitHub speaking the OAuth-app wire format, started by test/support/global-setup.ts.
const CALLBACK = `${ORIGIN}/auth/github/callback`;
let githubEnv: CallOptions['env'];

beforeAll(() => {
  const github = inject('github');
  githubEnv = {
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_URL: github.webUrl,
    GITHUB_API_URL: github.apiUrl,
  };
});

async function authorize(email: string) {
  const login = await call(`/auth/github/login?login_hint=${encodeURIComponent(email)}`, {
    env: githubEnv,
  });
  expect(login.status).toBe(302);
  const location = new URL(login.headers.get('location') ?? '');
  const callbackUrl = new URL(await followAuthorization(location.href, CALLBACK));
  return { location, callbackUrl, stateCookie: cookieFrom(login, 'hq_oauth_state') ?? '' };
}

const finish = (url: URL, cookie: string) =>
  call(url.pathname + url.search, { env: githubEnv, cookie });

describe('GitHub sign-in against a local GitHub', () => {
  it('is listed, and asks GitHub with PKCE, state, its scopes and its own login parameter', async () => {
    const providers = await (await call('/auth/providers', { env: githubEnv })).json();
    expect(providers).toMatchObject({ providers: [{ id: 'github', name: 'GitHub' }] });
    const { location } = await authorize('operator@test.hq');
    expect(location.pathname).toBe('/login/oauth/authorize');
    expect(location.searchParams.get('scope')).toBe('read:user user:email');
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('login')).toBe('operator@test.hq');
    expect(location.searchParams.get('nonce')).toBeNull();
  });

  it('signs in end to end with the primary verified email', async () => {
    const { callbackUrl, stateCookie } = await authorize('operator@test.hq');
    const done = await finish(callbackUrl, stateCookie);
    expect(done.status).toBe(302);
    const me = await call('/api/me', { cookie: cookieFrom(done, 'hq_session') });
    expect(await me.json()).toEqual({ email: 'operator@test.hq', role: 'operator' });
  });

  it('refuses a tampered state', async () => {
    const { callbackUrl, stateCookie } = await authorize('operator@test.hq');
    callbackUrl.searchParams.set('state', 'forged');
    expect((await finish(callbackUrl, stateCookie)).status).toBe(400);
  });

  it('refuses a replayed code under a fresh state (GitHub answers 200 with an error)', async () => {
    const first = await authorize('operator@test.hq');
    expect((await finish(first.callbackUrl, first.stateCookie)).status).toBe(302);
    const second = await authorize('operator@test.hq');
    second.callbackUrl.searchParams.set('code', first.callbackUrl.searchParams.get('code') ?? '');
    const response = await finish(second.callbackUrl, second.stateCookie);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('bad_verification_code');
    expect(cookieFrom(response, 'hq_session')).toBeUndefined();
  });

  it('refuses an account without a verified email, and one without a role', async () => {
    for (const email of ['unverified@test.hq', 'stranger@test.hq']) {
      const { callbackUrl, stateCookie } = await authorize(email);
      const response = await finish(callbackUrl, stateCookie);
      expect(response.status).toBe(403);
      expect(cookieFrom(response, 'hq_session')).toBeUndefined();
    }
  });
});
