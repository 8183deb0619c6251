// A real OpenID Connect provider (oidc-provider 9) for tests, so the worker's sign-in is exercised
// against the actual protocol rather than a mock. Runs in Node only (vitest globalSetup or node tests).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  Adapter,
  AdapterFactory,
  AdapterPayload,
  Configuration,
  KoaContextWithOIDC,
} from 'oidc-provider';
import Provider from 'oidc-provider';
import { accountClaims } from './oidc-accounts';
import type { OidcStandIn } from './provided-context';

export const TEST_CLIENT_ID = 'hq-test';
export const DEFAULT_LOGIN_HINT = 'admin@test.hq';
// Both forms the worker under test may use; registered verbatim because web clients match exactly.
export const TEST_REDIRECT_URIS = [
  'http://localhost:8787/auth/oidc/callback',
  'http://localhost/auth/oidc/callback',
];

export type StartedOidcProvider = OidcStandIn & { close(): Promise<void> };

export async function startOidcProvider(opts?: { port?: number }): Promise<StartedOidcProvider> {
  // The issuer must contain the real port, which is only known after listen() when port is 0, so
  // the server starts with a placeholder handler and gets the provider's callback afterwards.
  let handle: ReturnType<Provider['callback']> | undefined;
  const server = createServer((req, res) => {
    if (handle) return void handle(req, res);
    res.statusCode = 503;
    res.end('oidc provider starting');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts?.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const clientSecret = randomBytes(24).toString('hex');

  const provider = new Provider(issuer, configuration(clientSecret));
  provider.use(autoInteractions(provider));
  handle = provider.callback();

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    clientId: TEST_CLIENT_ID,
    clientSecret,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from fetch clients would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function configuration(clientSecret: string): Configuration {
  // Our own signing key and cookie keys: the defaults work but print development-only warnings.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'hq-test', alg: 'RS256' };

  return {
    adapter: memoryAdapter(),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: clientSecret,
        // A secret client registered as basic is also accepted with client_secret_post by v9.
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        // http://localhost is allowed for application_type "web" as long as implicit is not used.
        redirect_uris: TEST_REDIRECT_URIS,
      },
    ],
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile'],
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // By default scope-requested claims go only to userinfo when an access token is issued; the
    // relying party reads the email from the id token, so put them there too.
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => accountClaims(sub) }),
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Explicit values for everything whose default function logs a "you SHOULD change" notice.
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    clientBasedCORS: () => true,
    renderError: (ctx, out) => {
      // Plain text so a failing redirect chain shows the provider's reason in the test output.
      ctx.type = 'text/plain';
      ctx.body = `${out.error}: ${out.error_description ?? ''}`;
    },
  };
}

// Logs in as the authorization request's login_hint and consents to whatever is asked, so a
// client that merely follows redirects completes the flow. One prompt is answered per visit.
function autoInteractions(provider: Provider) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    if (ctx.method !== 'GET' || !ctx.path.startsWith('/interaction/')) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params } = details;

    if (prompt.name === 'login') {
      const hint = typeof params.login_hint === 'string' ? params.login_hint : '';
      const accountId = hint || DEFAULT_LOGIN_HINT;
      const returnTo = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId } });
      return redirect(ctx, returnTo);
    }

    if (prompt.name === 'consent') {
      const accountId = details.session?.accountId;
      if (!accountId) throw new Error('consent prompt without a logged-in session');
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId, clientId: String(params.client_id) });
      if (!grant) throw new Error(`grant ${details.grantId} not found`);
      const missing = prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(resource, scopes.join(' '));
      }
      const grantId = await grant.save();
      const returnTo = await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } });
      return redirect(ctx, returnTo);
    }

    throw new Error(`unsupported interaction prompt: ${prompt.name}`);
  };
}

function redirect(ctx: KoaContextWithOIDC, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}

// The bundled memory adapter logs a development-only warning; this equivalent is private to one
// provider, so providers started by different test files never share state.
function memoryAdapter(): AdapterFactory {
  const entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();

  const live = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) entries.delete(key);
    return entry && entry.expiresAt > Date.now() ? entry.payload : undefined;
  };
  const findBy = (model: string, match: (payload: AdapterPayload) => boolean) => {
    for (const [key, entry] of entries) {
      if (key.startsWith(`${model}:`) && match(entry.payload)) return live(key);
    }
    return undefined;
  };

  return (model: string): Adapter => ({
    async upsert(id, payload, expiresIn) {
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      entries.set(`${model}:${id}`, { payload, expiresAt });
    },
    async find(id) {
      return live(`${model}:${id}`);
    },
    async findByUid(uid) {
      return findBy(model, (payload) => payload.uid === uid);
    },
    async findByUserCode(userCode) {
      return findBy(model, (payload) => payload.userCode === userCode);
    },
    async consume(id) {
      // Marking consumed (rather than deleting) is what lets the provider detect code replay.
      const payload = live(`${model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      entries.delete(`${model}:${id}`);
    },
    async revokeByGrantId(grantId) {
      // Called once per token model (codes, access tokens...), so only this model's entries go.
      for (const [key, entry] of entries) {
        if (key.startsWith(`${model}:`) && entry.payload.grantId === grantId) entries.delete(key);
      }
    },
  });
}
