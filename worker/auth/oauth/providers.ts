import { envValue } from '../../env';

export type ProviderId = 'github' | 'google' | 'oidc';

/** A sign-in provider configured from the environment. */
export interface ProviderConfig {
  id: ProviderId;
  name: string;
  clientId: string;
  clientSecret: string;
  /** OpenID Connect discovery URL; GitHub speaks plain OAuth 2 and has none. */
  discoveryUrl?: string;
  /** GitHub only: web and API roots (github.com, or a GitHub Enterprise Server). */
  github?: { webUrl: string; apiUrl: string };
  /** The deployment says this issuer verifies every email it issues, claim or no claim. */
  verifiesEmails?: boolean;
}

const GOOGLE_DISCOVERY = 'https://accounts.google.com/.well-known/openid-configuration';

/** The providers whose client id and secret are both set. */
export function configuredProviders(env: Env): ProviderConfig[] {
  const providers: ProviderConfig[] = [];
  const github = credentials(env, 'GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET');
  if (github) {
    const webUrl = envValue(env, 'GITHUB_URL') ?? 'https://github.com';
    const apiUrl = envValue(env, 'GITHUB_API_URL') ?? 'https://api.github.com';
    providers.push({ id: 'github', name: 'GitHub', ...github, github: { webUrl, apiUrl } });
  }
  const google = credentials(env, 'GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET');
  if (google)
    providers.push({ id: 'google', name: 'Google', ...google, discoveryUrl: GOOGLE_DISCOVERY });
  const oidc = credentials(env, 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET');
  const discoveryUrl = envValue(env, 'OIDC_DISCOVERY_URL');
  if (oidc && discoveryUrl) {
    providers.push({
      id: 'oidc',
      name: envValue(env, 'OIDC_NAME') ?? 'Single sign-on',
      ...oidc,
      discoveryUrl,
      verifiesEmails: envValue(env, 'OIDC_ISSUER_VERIFIES_EMAILS') === 'true',
    });
  }
  return providers;
}

function credentials(env: Env, idKey: keyof Env, secretKey: keyof Env) {
  const clientId = envValue(env, idKey);
  const clientSecret = envValue(env, secretKey);
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}

/** The provider `id` when it is configured. */
export function findProvider(env: Env, id: string): ProviderConfig | undefined {
  return configuredProviders(env).find((p) => p.id === id);
}
