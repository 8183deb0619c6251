// The local OpenID provider's accounts (test/support/oidc-provider.ts), in a file of its own
// with no imports, so worker tests (inside workerd) can name the markers too.

/**
 * A login hint ending in this marks an issuer that does not say whether it verified the
 * email: the account's email is the hint without the marker, with no `email_verified` claim.
 * Another ending gives an email the issuer says it has not verified.
 */
export const NO_EMAIL_VERIFIED_CLAIM = '#no-email-verified-claim';
export const EMAIL_NOT_VERIFIED = '#email-not-verified';

export function accountClaims(sub: string) {
  for (const [marker, verified] of [
    [NO_EMAIL_VERIFIED_CLAIM, undefined],
    [EMAIL_NOT_VERIFIED, false],
  ] as const) {
    if (!sub.endsWith(marker)) continue;
    const email = sub.slice(0, -marker.length);
    return { sub, email, ...(verified === undefined ? {} : { email_verified: verified }) };
  }
  return { sub, email: sub, email_verified: true, name: sub.split('@')[0] };
}
