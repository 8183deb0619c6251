import { beforeAll, describe, expect, inject, it } from 'vitest';
import { followAuthorization } from '../support/follow-authorization';
import { EMAIL_NOT_VERIFIED, NO_EMAIL_VERIFIED_CLAIM } from '../support/oidc-accounts';
import { type CallOptions, call, cookieFrom, errorOf, ORIGIN } from './support/client';

// A real OpenID provider (oidc-provider) runs on 127.0.0.1, started by test/support/global-setup.ts.
const CALLBACK = `${ORIGIN}/auth/oidc/callback`;
let oidcEnv: CallOptions['env'];

beforeAll(() => {
  const oidc = inject('oidc');
  oidcEnv = {
    OIDC_DISCOVERY_URL: oidc.discoveryUrl,
    OIDC_CLIENT_ID: oidc.clientId,
    OIDC_CLIENT_SECRET: oidc.clientSecret,
    OIDC_NAME: 'Test SSO',
  };
});

/** Starts a sign-in and lets the provider authenticate `email`; returns what the browser holds. */
async function authorize(email: string, env = oidcEnv) {
  const login = await call(`/auth/oidc/login?login_hint=${encodeURIComponent(email)}`, { env });
  expect(login.status).toBe(302);
  const stateCookie = cookieFrom(login, 'hq_oauth_state');
  expect(stateCookie).toBeDefined();
  const callbackUrl = await followAuthorization(login.headers.get('location') ?? '', CALLBACK);
  return { callbackUrl: new URL(callbackUrl), stateCookie: stateCookie ?? '', login };
}

const finish = (url: URL, cookie: string, env = oidcEnv) =>
  call(url.pathname + url.search, { env, cookie });

describe('OpenID Connect sign-in against a real local provider', () => {
  it('lists the provider with its configured name', async () => {
    const response = await call('/auth/providers', { env: oidcEnv });
    expect(await response.json()).toMatchObject({
      providers: [{ id: 'oidc', name: 'Test SSO', loginUrl: '/auth/oidc/login' }],
    });
  });

  it('redirects with state, PKCE S256 and a nonce', async () => {
    const { login } = await authorize('operator@test.hq');
    const url = new URL(login.headers.get('location') ?? '');
    expect(url.origin).toBe(new URL(inject('oidc').issuer).origin);
    expect(url.searchParams.get('state')).toMatch(/.{20,}/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/.{40,}/);
    expect(url.searchParams.get('nonce')).toMatch(/.{20,}/);
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK);
    const stateCookie = login.headers.getSetCookie().find((c) => c.startsWith('hq_oauth_state='));
    expect(stateCookie).toMatch(/HttpOnly/i);
  });

  it('signs in end to end: redirect, state check, code exchange, cookie, /api/me', async () => {
    const { callbackUrl, stateCookie } = await authorize('operator@test.hq');
    const done = await finish(callbackUrl, stateCookie);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/');
    const session = cookieFrom(done, 'hq_session');
    expect(session).toBeDefined();
    const me = await call('/api/me', { cookie: session });
    expect(await me.json()).toEqual({ email: 'operator@test.hq', role: 'operator' });
  });

  it('refuses a tampered state and starts no session', async () => {
    const { callbackUrl, stateCookie } = await authorize('operator@test.hq');
    callbackUrl.searchParams.set('state', `${callbackUrl.searchParams.get('state')}x`);
    const response = await finish(callbackUrl, stateCookie);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/state/i);
    expect(cookieFrom(response, 'hq_session')).toBeUndefined();
  });

  it('refuses a callback from a browser that did not start the sign-in', async () => {
    const { callbackUrl } = await authorize('operator@test.hq');
    const response = await finish(callbackUrl, 'hq_oauth_state=someone-elses-state');
    expect(response.status).toBe(400);
  });

  it('refuses a replayed callback: the state is single use', async () => {
    const { callbackUrl, stateCookie } = await authorize('operator@test.hq');
    expect((await finish(callbackUrl, stateCookie)).status).toBe(302);
    const replay = await finish(callbackUrl, stateCookie);
    expect(replay.status).toBe(400);
    expect(cookieFrom(replay, 'hq_session')).toBeUndefined();
  });

  it('refuses a replayed code even under a fresh, valid state', async () => {
    const first = await authorize('operator@test.hq');
    expect((await finish(first.callbackUrl, first.stateCookie)).status).toBe(302);
    const second = await authorize('operator@test.hq');
    const replayed = new URL(second.callbackUrl);
    replayed.searchParams.set('code', first.callbackUrl.searchParams.get('code') ?? '');
    const response = await finish(replayed, second.stateCookie);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/invalid_grant/);
    expect(cookieFrom(response, 'hq_session')).toBeUndefined();
  });

  it('refuses an account with no role with 403, as a page for a browser', async () => {
    const { callbackUrl, stateCookie } = await authorize('stranger@test.hq');
    const response = await call(callbackUrl.pathname + callbackUrl.search, {
      env: oidcEnv,
      cookie: stateCookie,
      headers: { accept: 'text/html' },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('stranger@test.hq has no role');
    expect(cookieFrom(response, 'hq_session')).toBeUndefined();
  });

  // The attack: an issuer that lets anyone set their email, and leaves out email_verified.
  it('refuses an admin email whose issuer does not say it verified it', async () => {
    const { callbackUrl, stateCookie } = await authorize(`admin@test.hq${NO_EMAIL_VERIFIED_CLAIM}`);
    const response = await finish(callbackUrl, stateCookie);
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toMatch(
      /did not say it verified admin@test\.hq \(no email_verified claim\).*OIDC_ISSUER_VERIFIES_EMAILS/,
    );
    expect(cookieFrom(response, 'hq_session')).toBeUndefined();
  });

  it('refuses an email the issuer says it has not verified, whatever the configuration', async () => {
    const trusting = { ...oidcEnv, OIDC_ISSUER_VERIFIES_EMAILS: 'true' };
    const { callbackUrl, stateCookie } = await authorize(
      `admin@test.hq${EMAIL_NOT_VERIFIED}`,
      trusting,
    );
    const response = await finish(callbackUrl, stateCookie, trusting);
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toBe('The provider has not verified admin@test.hq.');
  });

  it('accepts a missing claim only from an issuer marked as verifying emails', async () => {
    const trusting = { ...oidcEnv, OIDC_ISSUER_VERIFIES_EMAILS: 'true' };
    const { callbackUrl, stateCookie } = await authorize(
      `operator@test.hq${NO_EMAIL_VERIFIED_CLAIM}`,
      trusting,
    );
    const done = await finish(callbackUrl, stateCookie, trusting);
    expect(done.status).toBe(302);
    const me = await call('/api/me', { cookie: cookieFrom(done, 'hq_session') });
    expect(await me.json()).toEqual({ email: 'operator@test.hq', role: 'operator' });
  });

  it('answers 404 for a provider that is not configured', async () => {
    expect((await call('/auth/github/login')).status).toBe(404);
    expect((await call('/auth/nope/login')).status).toBe(400);
  });
});
