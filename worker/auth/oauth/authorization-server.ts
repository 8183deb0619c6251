import * as oauth from 'oauth4webapi';
import { ApiError } from '../../http/errors';
import type { ProviderConfig } from './providers';

const WELL_KNOWN = '/.well-known/openid-configuration';

/** GitHub is OAuth 2 without discovery or id tokens: its endpoints sit under its web root. */
function githubServer(webUrl: string): oauth.AuthorizationServer {
  const root = webUrl.replace(/\/+$/, '');
  return {
    issuer: root,
    authorization_endpoint: `${root}/login/oauth/authorize`,
    token_endpoint: `${root}/login/oauth/access_token`,
  };
}

const discovered = new Map<string, Promise<oauth.AuthorizationServer>>();

/** Plain http is accepted only for a provider on this machine (a local test provider). */
export function insecureAllowed(url: string | undefined): boolean {
  if (!url) return false;
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

/** The provider's metadata, discovered once per isolate. A failed discovery is not cached. */
export function authorizationServer(provider: ProviderConfig): Promise<oauth.AuthorizationServer> {
  const url = provider.discoveryUrl;
  if (!url) return Promise.resolve(githubServer(provider.github?.webUrl ?? 'https://github.com'));
  let metadata = discovered.get(url);
  if (!metadata) {
    metadata = discover(url);
    discovered.set(url, metadata);
    metadata.catch(() => discovered.delete(url));
  }
  return metadata;
}

async function discover(discoveryUrl: string): Promise<oauth.AuthorizationServer> {
  if (!discoveryUrl.endsWith(WELL_KNOWN)) {
    throw new ApiError('misconfigured', `OIDC_DISCOVERY_URL must end with ${WELL_KNOWN}.`);
  }
  const issuer = new URL(discoveryUrl.slice(0, -WELL_KNOWN.length));
  try {
    const response = await oauth.discoveryRequest(issuer, {
      algorithm: 'oidc',
      [oauth.allowInsecureRequests]: insecureAllowed(discoveryUrl),
    });
    return await oauth.processDiscoveryResponse(issuer, response);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError('upstream_failed', `Could not discover ${issuer.href}: ${reason}`);
  }
}
