import { OpenAPIHono, z } from '@hono/zod-openapi';
import { eq, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as oauth from 'oauth4webapi';
import { oauthStates } from '../../../drizzle/schema';
import { database } from '../../db/client';
import type { HonoEnv } from '../../env';
import { ApiError } from '../../http/errors';
import { appOrigin } from '../../http/origin';
import { defineRoute } from '../../http/route';
import { validationHook } from '../../http/validation';
import { clientIp, enforceLimit } from '../../limits/rate-limits';
import { keyedHash, timingSafeEqual } from '../crypto';
import { secretOrFail } from '../guard';
import { signIn } from '../sign-in';
import { authorizationServer, insecureAllowed } from './authorization-server';
import { verifiedEmail } from './identity';
import { findProvider, type ProviderConfig } from './providers';

const STATE_COOKIE = 'hq_oauth_state';
const STATE_TTL_MS = 10 * 60 * 1000;
const stateCookie = { httpOnly: true, secure: true, sameSite: 'Lax', path: '/auth' } as const;

const ProviderParam = z.object({ provider: z.enum(['github', 'google', 'oidc']) });

const login = defineRoute('public', {
  operationId: 'startOAuthSignIn',
  method: 'get',
  path: '/auth/{provider}/login',
  tags: ['Auth'],
  summary: 'Start OAuth / OpenID Connect sign-in (state + PKCE); redirects to the provider',
  request: {
    params: ProviderParam,
    query: z.object({ login_hint: z.string().max(320).optional() }),
  },
  responses: { 302: { description: 'Redirect to the provider.' } },
});

const callback = defineRoute('public', {
  operationId: 'finishOAuthSignIn',
  method: 'get',
  path: '/auth/{provider}/callback',
  tags: ['Auth'],
  summary: 'Provider redirect target: checks state, exchanges the code, starts the session',
  request: {
    params: ProviderParam,
    // Providers add their own parameters (iss, scope, authuser...): accept and ignore them.
    query: z.looseObject({ state: z.string().optional(), code: z.string().optional() }),
  },
  responses: { 302: { description: 'Signed in; redirect to the app.' } },
});

export const oauthRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

function provider(c: Context<HonoEnv>, id: string): ProviderConfig {
  const found = findProvider(c.env, id);
  if (!found) throw new ApiError('not_found', `Sign-in with ${id} is not configured.`);
  return found;
}

const redirectUri = (c: Context<HonoEnv>, id: string) => `${appOrigin(c)}/auth/${id}/callback`;

oauthRoutes.openapi(login, async (c) => {
  const secret = secretOrFail(c.env);
  // Anyone may start a sign-in, and each start writes a row: counted per client IP first.
  await enforceLimit(c, 'sign-in', clientIp(c));
  const p = provider(c, c.req.valid('param').provider);
  const as = await authorizationServer(p);
  const state = oauth.generateRandomState();
  const verifier = oauth.generateRandomCodeVerifier();
  const nonce = oauth.generateRandomNonce();
  const db = database(c.env);
  const now = Date.now();
  await db.batch([
    db.delete(oauthStates).where(lt(oauthStates.expiresAt, now)),
    db.insert(oauthStates).values({
      stateHash: await keyedHash(secret, state),
      provider: p.id,
      codeVerifier: verifier,
      nonce,
      expiresAt: now + STATE_TTL_MS,
    }),
  ]);
  const url = new URL(as.authorization_endpoint ?? '');
  url.search = new URLSearchParams({
    client_id: p.clientId,
    redirect_uri: redirectUri(c, p.id),
    response_type: 'code',
    scope: p.id === 'github' ? 'read:user user:email' : 'openid email profile',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...(p.id === 'github' ? {} : { nonce }),
    ...accountHint(p, c.req.valid('query').login_hint),
  }).toString();
  setCookie(c, STATE_COOKIE, state, { ...stateCookie, maxAge: STATE_TTL_MS / 1000 });
  return c.redirect(url.href, 302);
});

/** Suggests the account to sign in with: OIDC's login_hint, or GitHub's own `login`. */
function accountHint(p: ProviderConfig, hint: string | undefined): Record<string, string> {
  if (!hint) return {};
  return p.id === 'github' ? { login: hint } : { login_hint: hint };
}

oauthRoutes.openapi(callback, async (c) => {
  const secret = secretOrFail(c.env);
  const p = provider(c, c.req.valid('param').provider);
  const { state } = c.req.valid('query');
  const browserState = getCookie(c, STATE_COOKIE);
  deleteCookie(c, STATE_COOKIE, stateCookie);
  // The state must match the one this browser started with, and be used only once.
  if (!state || !browserState || !timingSafeEqual(state, browserState)) {
    throw new ApiError('bad_request', 'Sign-in state does not match this browser. Start again.');
  }
  const [pending] = await database(c.env)
    .delete(oauthStates)
    .where(eq(oauthStates.stateHash, await keyedHash(secret, state)))
    .returning();
  if (!pending || pending.provider !== p.id || pending.expiresAt < Date.now()) {
    throw new ApiError(
      'bad_request',
      'Sign-in state is unknown, expired or already used. Start again.',
    );
  }
  const email = await exchange(c, p, state, pending);
  await signIn(c, secret, email, p.id);
  return c.redirect('/', 302);
});

async function exchange(
  c: Context<HonoEnv>,
  p: ProviderConfig,
  state: string,
  pending: { codeVerifier: string; nonce: string },
): Promise<string> {
  const as = await authorizationServer(p);
  const client: oauth.Client = { client_id: p.clientId };
  const insecure = insecureAllowed(p.discoveryUrl ?? p.github?.webUrl);
  try {
    const params = oauth.validateAuthResponse(as, client, new URL(c.req.url), state);
    const auth =
      p.id === 'github'
        ? oauth.ClientSecretPost(p.clientSecret)
        : oauth.ClientSecretBasic(p.clientSecret);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth,
      params,
      redirectUri(c, p.id),
      pending.codeVerifier,
      { [oauth.allowInsecureRequests]: insecure },
    );
    await refuseErrorBody(response);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: p.id === 'github' ? oauth.expectNoNonce : pending.nonce,
      requireIdToken: p.id !== 'github',
    });
    return await verifiedEmail(p, as, client, tokens, insecure);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The provider said no (denied consent, invalid or replayed code) or its answer failed a
    // check: a client error. Anything else (the provider unreachable) is upstream's failure.
    if (
      error instanceof oauth.ResponseBodyError ||
      error instanceof oauth.AuthorizationResponseError
    ) {
      const why = error.error_description
        ? `${error.error}: ${error.error_description}`
        : error.error;
      throw new ApiError('bad_request', `The provider refused the sign-in (${why}).`);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof oauth.OperationProcessingError) {
      throw new ApiError('bad_request', `The provider's answer failed a check (${message}).`);
    }
    throw new ApiError(
      'upstream_failed',
      `Could not complete sign-in with ${p.name} (${message}).`,
    );
  }
}

/** GitHub answers a bad code with 200 and an `error` body; surface it as the refusal it is. */
async function refuseErrorBody(response: Response): Promise<void> {
  if (!response.ok) return;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { error?: unknown; error_description?: unknown } | undefined;
  if (typeof body?.error === 'string') {
    const why =
      typeof body.error_description === 'string'
        ? `${body.error}: ${body.error_description}`
        : body.error;
    throw new ApiError('bad_request', `The provider refused the sign-in (${why}).`);
  }
}
