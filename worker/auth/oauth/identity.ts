import * as oauth from 'oauth4webapi';
import { ApiError } from '../../http/errors';
import type { ProviderConfig } from './providers';

/** The verified email of the signed-in account, from the id token, userinfo or GitHub's API. */
export async function verifiedEmail(
  provider: ProviderConfig,
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  tokens: oauth.TokenEndpointResponse,
  insecure: boolean,
): Promise<string> {
  if (provider.github) return githubEmail(provider.github.apiUrl, tokens.access_token);
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!claims) throw new ApiError('bad_request', 'The provider returned no id token.');
  let email = claims.email;
  let verified = claims.email_verified;
  if (typeof email !== 'string') {
    const response = await oauth.userInfoRequest(as, client, tokens.access_token, {
      [oauth.allowInsecureRequests]: insecure,
    });
    const info = await oauth.processUserInfoResponse(as, client, claims.sub, response);
    email = info.email;
    verified = info.email_verified;
  }
  if (typeof email !== 'string') {
    throw new ApiError('bad_request', 'The provider did not share an email address.');
  }
  if (verified === false) {
    throw new ApiError('forbidden', `The provider has not verified ${email}.`);
  }
  return email;
}

interface GithubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

async function githubEmail(apiUrl: string, accessToken: string): Promise<string> {
  const response = await fetch(`${apiUrl.replace(/\/+$/, '')}/user/emails`, {
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: 'application/vnd.github+json',
      'user-agent': 'hq-control-plane',
    },
  });
  if (!response.ok) {
    throw new ApiError('upstream_failed', `GitHub refused the email lookup (${response.status}).`);
  }
  const emails = (await response.json()) as GithubEmail[];
  const primary = emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified);
  if (!primary) throw new ApiError('forbidden', 'Your GitHub account has no verified email.');
  return primary.email;
}
