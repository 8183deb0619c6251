export const REDACTED = '[REDACTED]';

/** Keys whose values are secrets wherever they appear. */
const SECRET_KEY = /key|token|secret|passw|authorization|cookie|credential/i;
/** A number under `…Tokens` (monthlyBudgetTokens, inputTokens) counts model tokens: no secret. */
const isTokenCount = (key: string, value: unknown) =>
  /Tokens$/.test(key) && typeof value === 'number';

/**
 * A deep copy of `value` with every value under a secret-looking key replaced by
 * `[REDACTED]`. Used before anything is written to the audit log or a revision.
 */
export function redact<T>(value: T): T {
  return redactValue(value) as T;
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        SECRET_KEY.test(key) && inner !== null && inner !== undefined && !isTokenCount(key, inner)
          ? REDACTED
          : redactValue(inner),
      ]),
    );
  }
  return value;
}
