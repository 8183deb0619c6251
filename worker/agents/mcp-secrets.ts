// Secrets written inside the strings of an MCP server entry: its command-line arguments
// (`--token abc`, `--api-key=abc`, `--header "Authorization: Bearer abc"`, `TOKEN=abc`) and
// its URL (`?api_key=abc`, `https://user:pass@host`). env and headers are secret by position
// (snapshot.ts); these are found by what they look like, and only their value is hidden, so a
// reader still sees which flag or parameter carries one.
import { REDACTED } from '../audit/redact';

/** A name that announces a secret value. */
const SECRET_NAME = /key|token|secret|passw|pwd|auth|cookie|credential|session|signature|sig$/i;
/** A flag naming where a secret lives rather than the secret itself (`--token-file`). */
const NAMES_A_PLACE = /(file|path|dir|env|var)$/i;
/** Token shapes recognisable on their own, wherever they appear. */
const TOKEN_SHAPES =
  /\b(hq_api_[\w-]{16,}|hqr_[\w-]{16,}|sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,})/g;
const BEARER = /\b(Bearer|Basic|Token)\s+[^\s"']+/gi;

const secretName = (name: string) => SECRET_NAME.test(name) && !NAMES_A_PLACE.test(name);

/** `https://user:pass@host/p?token=x#f` with the password (or lone user) and secret parameters hidden. */
export function redactUrl(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*@)?([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(url);
  if (!match) return redactText(url);
  const [, scheme = '', userinfo, rest = '', query, fragment = ''] = match;
  let user = '';
  if (userinfo) {
    const [name = '', password] = userinfo.slice(0, -1).split(':');
    user = password === undefined ? `${REDACTED}@` : `${name}:${REDACTED}@`;
  }
  const params = query
    ? `?${query
        .slice(1)
        .split('&')
        .map((pair) => {
          const at = pair.indexOf('=');
          const name = at < 0 ? pair : pair.slice(0, at);
          return at >= 0 && secretName(decodeURIComponentSafe(name))
            ? `${name}=${REDACTED}`
            : redactText(pair);
        })
        .join('&')}`
    : '';
  return `${scheme}${user}${redactText(rest)}${params}${fragment}`;
}

/** Arguments with every secret-looking value hidden; a flag naming a secret hides the next one. */
export function redactArgs(args: string[]): string[] {
  return args.map((arg, i) => {
    const previous = args[i - 1];
    const flag = previous !== undefined ? /^--?([\w-]+)$/.exec(previous) : null;
    if (flag?.[1] && secretName(flag[1]) && !arg.startsWith('-')) return REDACTED;
    return redactArg(arg);
  });
}

function redactArg(arg: string): string {
  // --api-key=abc, TOKEN=abc
  const assignment = /^(--?[\w-]+|[A-Za-z_][\w]*)=(.+)$/s.exec(arg);
  if (assignment?.[1] && secretName(assignment[1].replace(/^-+/, '')))
    return `${assignment[1]}=${REDACTED}`;
  // Authorization: Bearer abc, X-Api-Key: abc (a header given as an argument)
  const header = /^([\w-]+):\s*(.+)$/s.exec(arg);
  if (header?.[1] && secretName(header[1])) return `${header[1]}: ${REDACTED}`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) return redactUrl(arg);
  return redactText(arg);
}

/** Free text with token shapes and `Bearer …` credentials hidden. */
function redactText(text: string): string {
  return text.replace(BEARER, `$1 ${REDACTED}`).replace(TOKEN_SHAPES, REDACTED);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * What an edit means by strings that hold `[REDACTED]`: the stored string each was redacted
 * from ("keep what I have"), when a stored one redacts to exactly it (the one at the same
 * place first). Anything else is kept as sent, and a placeholder left in it is refused later.
 */
export function restoreRedacted(
  incoming: string[],
  stored: string[],
  redacted: string[],
): string[] {
  return incoming.map((value, i) => {
    if (!value.includes(REDACTED)) return value;
    const at = redacted[i] === value ? i : redacted.indexOf(value);
    return at >= 0 ? (stored[at] ?? value) : value;
  });
}
