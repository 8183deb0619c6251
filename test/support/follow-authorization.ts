// Plays the browser in an authorization-code flow: follows the provider's redirects with a cookie
// jar and hands back the redirect to the client's callback without requesting it, so the test can
// deliver it to the worker itself. Only fetch/URL/Headers: it runs in Node and inside workerd.

const MAX_HOPS = 15;

export async function followAuthorization(
  authorizationUrl: string,
  stopAtPrefix: string,
): Promise<string> {
  // host -> cookie name -> value. Paths and expiry are ignored: every hop is on one provider and
  // one sign-in, and the provider reads its cookies by name.
  const jar = new Map<string, Map<string, string>>();
  let url = new URL(authorizationUrl);

  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const cookies = jar.get(url.host);
    const headers = new Headers();
    if (cookies?.size) {
      headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(url, { redirect: 'manual', headers });
    storeCookies(jar, url.host, response.headers);

    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !location) {
      const body = await response.text();
      throw new Error(
        `followAuthorization: expected a redirect from ${url.href}, got ${response.status} ` +
          `${response.statusText}: ${body.slice(0, 500)}`,
      );
    }
    // Redirect bodies are unread; cancel them so workerd does not warn about stalled responses.
    await response.body?.cancel();

    // The provider's own hops use relative Locations (/interaction/..., /auth/...).
    const next = new URL(location, url);
    if (next.href.startsWith(stopAtPrefix)) return next.href;
    url = next;
  }
  throw new Error(
    `followAuthorization: no redirect to ${stopAtPrefix} after ${MAX_HOPS} hops (last: ${url.href})`,
  );
}

function storeCookies(jar: Map<string, Map<string, string>>, host: string, headers: Headers): void {
  const cookies = jar.get(host) ?? new Map<string, string>();
  jar.set(host, cookies);
  for (const line of headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!value || isExpired(attributes)) cookies.delete(name);
    else cookies.set(name, value);
  }
}

// Cookies are cleared by an expiry in the past or Max-Age=0 (Koa sends both forms).
function isExpired(attributes: string[]): boolean {
  for (const attribute of attributes) {
    const [key = '', value = ''] = attribute.split('=', 2).map((part) => part.trim());
    if (key.toLowerCase() === 'max-age' && Number(value) <= 0) return true;
    if (key.toLowerCase() === 'expires' && Date.parse(value) <= Date.now()) return true;
  }
  return false;
}
