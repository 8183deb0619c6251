// Proves the OIDC stand-in speaks the real protocol: a spec-following relying party (oauth4webapi)
// completes authorization code + PKCE against it using only followAuthorization as the browser.
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followAuthorization } from '../support/follow-authorization';
import { type StartedOidcProvider, startOidcProvider } from '../support/oidc-provider';

const redirectUri = 'http://localhost:8787/auth/oidc/callback';
// The provider is plain http on 127.0.0.1; oauth4webapi refuses that unless told.
const insecure = { [oauth.allowInsecureRequests]: true };

let op: StartedOidcProvider;
let as: oauth.AuthorizationServer;
let client: oauth.Client;

beforeAll(async () => {
  op = await startOidcProvider();
  const issuer = new URL(op.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  client = { client_id: op.clientId };
});

afterAll(async () => {
  await op?.close();
});

// Runs the front-channel part and returns what the token request needs.
async function authorize(loginHint: string, callbackUri = redirectUri) {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: op.clientId,
    redirect_uri: callbackUri,
    response_type: 'code',
    scope: 'openid email profile',
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    login_hint: loginHint,
  }).toString();

  const callback = new URL(await followAuthorization(url.href, callbackUri));
  expect(callback.searchParams.get('iss')).toBe(op.issuer);
  const params = oauth.validateAuthResponse(as, client, callback, state);
  return { params, codeVerifier, nonce };
}

describe('local OIDC provider', () => {
  it('signs in the login_hint account and puts its verified email in the id token', async () => {
    const { params, codeVerifier, nonce } = await authorize('someone@test.hq');
    const clientAuth = oauth.ClientSecretBasic(op.clientSecret);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      redirectUri,
      codeVerifier,
      insecure,
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    expect(oauth.getValidatedIdTokenClaims(result)).toMatchObject({
      iss: op.issuer,
      aud: op.clientId,
      sub: 'someone@test.hq',
      email: 'someone@test.hq',
      email_verified: true,
    });

    // Codes are single use: the same exchange again must be refused.
    const replay = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      redirectUri,
      codeVerifier,
      insecure,
    );
    await expect(
      oauth.processAuthorizationCodeResponse(as, client, replay, { expectedNonce: nonce }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('accepts the port-less redirect URI and client_secret_post', async () => {
    const portless = 'http://localhost/auth/oidc/callback';
    const { params, codeVerifier, nonce } = await authorize('admin@test.hq', portless);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(op.clientSecret),
      params,
      portless,
      codeVerifier,
      insecure,
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: nonce,
    });
    expect(oauth.getValidatedIdTokenClaims(result)?.email).toBe('admin@test.hq');
  });

  it('refuses a token request with the wrong PKCE verifier', async () => {
    const { params, nonce } = await authorize('admin@test.hq');
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(op.clientSecret),
      params,
      redirectUri,
      oauth.generateRandomCodeVerifier(),
      insecure,
    );
    await expect(
      oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('makes followAuthorization report an error page with its status and body', async () => {
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: 'unknown', response_type: 'code' }).toString();
    await expect(followAuthorization(url.href, redirectUri)).rejects.toThrow(
      /got 400 .*invalid_client/,
    );
  });
});
