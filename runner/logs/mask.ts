import { INHERITED } from '../env';

/**
 * Values shorter than this are not masked. A short value (a port, `true`, a region, a user
 * name) also turns up in ordinary output, so masking it would riddle the log with masks, and
 * where the masks landed would spell the value out anyway. Credentials worth hiding (API
 * keys, tokens, passwords) are longer; the runner says at start which ones it cannot mask.
 */
export const MIN_SECRET_LENGTH = 8;

export interface Secret {
  /** The variable it came from, shown in the mask; none for values from elsewhere. */
  name?: string;
  value: string;
}

/**
 * The secrets of a run: the values of the variables declared with `--env` (the agent sees
 * them, so its output may repeat them), plus any other values the runner handed over (MCP
 * server env and headers, an API key). Not secrets: the task's own HQ_* variables and the
 * inherited PATH, HOME, LANG, TMPDIR, which are no one's credentials and appear everywhere.
 */
export function runSecrets(
  declared: string[],
  source: NodeJS.ProcessEnv = process.env,
  others: string[] = [],
): Secret[] {
  const plain = new Set<string>(INHERITED);
  const named = declared
    .filter((name) => !name.startsWith('HQ_') && !plain.has(name))
    .map((name) => ({ name, value: source[name] ?? '' }));
  return [...named, ...others.map((value) => ({ value }))].filter(
    (secret) => secret.value.length >= MIN_SECRET_LENGTH,
  );
}

/** Declared variables whose values are too short to mask (said once, when the runner starts). */
export function unmaskable(declared: string[], source: NodeJS.ProcessEnv = process.env): string[] {
  return declared.filter((name) => {
    const value = source[name];
    return value !== undefined && value.length > 0 && value.length < MIN_SECRET_LENGTH;
  });
}

/**
 * The values inside MCP server configs (`env` and `headers` of each server), when a claim
 * carries them. Read defensively: the claim is wire data, and older HQs send no servers.
 */
export function mcpSecretValues(servers: unknown): string[] {
  if (!servers || typeof servers !== 'object') return [];
  const values: string[] = [];
  for (const server of Object.values(servers as Record<string, unknown>)) {
    if (!server || typeof server !== 'object') continue;
    for (const part of ['env', 'headers'] as const) {
      const entries = (server as Record<string, unknown>)[part];
      if (!entries || typeof entries !== 'object') continue;
      for (const value of Object.values(entries as Record<string, unknown>)) {
        if (typeof value === 'string') values.push(value);
      }
    }
  }
  return values;
}

interface Span {
  start: number;
  end: number;
  label: string;
}

/** Replaces every secret value in text with `[masked NAME]`, including one split across writes. */
export class Masker {
  private readonly secrets: { value: string; label: string }[];

  constructor(secrets: Secret[]) {
    const seen = new Set<string>();
    this.secrets = secrets
      .filter((s) => s.value.length >= MIN_SECRET_LENGTH && !seen.has(s.value) && seen.add(s.value))
      .map((s) => ({ value: s.value, label: s.name ? `[masked ${s.name}]` : '[masked]' }));
  }

  /** Masks a finished text (a tail, an error message): every whole occurrence. */
  mask(text: string): string {
    return this.take(text, true).out;
  }

  /**
   * Splits a buffer into what may leave now (masked) and what must wait for the next write:
   * the shortest ending that could be the start of a secret, so a secret cut in two by the
   * agent's writes is still masked whole. Unless `final`, when everything goes.
   */
  take(buffer: string, final: boolean): { out: string; rest: string } {
    const spans = this.spans(buffer);
    let cut = final ? buffer.length : buffer.length - this.pendingPrefix(buffer);
    // Never cut through a masked stretch: hold it whole, to be looked at again with more text
    // (another secret overlapping it may be completed by the next write).
    for (const span of spans) if (span.start < cut && cut < span.end) cut = span.start;
    let out = '';
    let at = 0;
    for (const span of spans) {
      if (span.end > cut) break;
      out += buffer.slice(at, span.start) + span.label;
      at = span.end;
    }
    return { out: out + buffer.slice(at, cut), rest: buffer.slice(cut) };
  }

  /** Every occurrence of every secret, overlapping ones merged into one stretch. */
  private spans(text: string): Span[] {
    const found: Span[] = [];
    for (const { value, label } of this.secrets) {
      for (let i = text.indexOf(value); i !== -1; i = text.indexOf(value, i + 1)) {
        found.push({ start: i, end: i + value.length, label });
      }
    }
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    const merged: Span[] = [];
    for (const span of found) {
      const last = merged.at(-1);
      if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
      else merged.push({ ...span });
    }
    return merged;
  }

  /** The length of the longest ending of `text` that is the beginning of some secret. */
  private pendingPrefix(text: string): number {
    let longest = 0;
    for (const { value } of this.secrets) {
      const from = Math.max(0, text.length - value.length + 1);
      for (let i = from; i < text.length; i++) {
        if (text.length - i <= longest) break;
        if (text.charCodeAt(i) !== value.charCodeAt(0)) continue;
        if (value.startsWith(text.slice(i))) {
          longest = text.length - i;
          break;
        }
      }
    }
    return longest;
  }
}
