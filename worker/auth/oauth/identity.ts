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
  // An absent claim is not a yes: an issuer that lets users type any email would otherwise
  // sign an attacker in as an ADMIN_EMAILS address. Only an issuer the deployment marks as
  // verifying every email it issues (OIDC_ISSUER_VERIFIES_EMAILS) may leave it out.
  if (verified !== true && !(verified === undefined && provider.verifiesEmails)) {
    throw new ApiError(
      'forbidden',
      verified === false
        ? `The provider has not verified ${email}.`
        : `The provider did not say it verified ${email} (no email_verified claim); an admin can set OIDC_ISSUER_VERIFIES_EMAILS=true for an issuer that verifies every email.`,
    );
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
