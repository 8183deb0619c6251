// The security headers of every HQ response, as plain data: the worker sets them on what it
// answers (security-headers.ts) and the web build writes them into dist/_headers for the
// static files Cloudflare serves without the worker (web/vite.config.ts). One list, so the
// app's pages and its API can never disagree.

/**
 * Only HQ's own files run, style, connect and load; nothing may frame it. The web app and the
 * office need nothing more: scripts and styles are files (no inline ones), Preact and Three.js
 * set styles through the DOM, the office socket is same-origin, and icons are data: URLs.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every response carries. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/**
 * HTTPS only, for a year, subdomains included. Browsers ignore it on plain http (RFC 6797),
 * so `wrangler dev` on http://127.0.0.1 is unaffected.
 */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/** The `_headers` file for the static assets: every path gets the same headers. */
export function staticHeadersFile(): string {
  const lines = Object.entries({
    ...SECURITY_HEADERS,
    'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY,
  }).map(([name, value]) => `  ${name}: ${value}`);
  return `/*\n${lines.join('\n')}\n`;
}
