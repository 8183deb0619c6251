/**
 * How HQ fails, without HTTP: domain code (worker/<domain>/, the Durable Objects) throws a
 * DomainError naming what went wrong by code; the HTTP layer (worker/http/errors.ts) alone
 * decides which status each code answers with.
 */

/** Every way an operation can fail, as clients see it in `error.code`. */
export const ERROR_CODES = [
  'invalid_json',
  'validation_failed',
  'bad_request',
  'unauthenticated',
  'forbidden',
  'csrf_rejected',
  'not_found',
  'conflict',
  // Well-formed, but naming something that is not there (an unknown agent slug to hand work to).
  'unprocessable',
  'payload_too_large',
  'unsupported_media_type',
  'upgrade_required',
  // Too many requests of one kind from one IP, person or chat; Retry-After says when to retry.
  'rate_limited',
  'misconfigured',
  // A Durable Object's queue of waiting work is full: it refuses rather than grow past its
  // memory (128 MB deployed). Retrying a moment later works.
  'overloaded',
  'upstream_failed',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with one input field, so a form can point at it. */
export interface FieldProblem {
  field: string;
  in: 'body' | 'query' | 'path' | 'header' | 'cookie';
  message: string;
}

/** A failure as plain data: what crosses a Durable Object's RPC boundary. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  fields?: FieldProblem[];
}

export interface ErrorOptions {
  fields?: FieldProblem[] | undefined;
  cause?: unknown;
}

/** A failure the caller can act on (a refusal, a missing thing), as opposed to a bug. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldProblem[] | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'DomainError';
    this.code = code;
    this.fields = options.fields;
  }

  toData(): ErrorData {
    return {
      code: this.code,
      message: this.message,
      ...(this.fields ? { fields: this.fields } : {}),
    };
  }
}

export type Failure = { ok: false; error: ErrorData };

/**
 * The result of a Durable Object RPC method that can be refused. Class identity does not
 * survive structured clone, so a thrown DomainError would reach the caller as a bare Error
 * (a 500); this plain shape carries the code across instead.
 */
export type Outcome<T> = { ok: true; value: T } | Failure;

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });

export const fail = (code: ErrorCode, message: string, fields?: FieldProblem[]): Failure => ({
  ok: false,
  error: { code, message, ...(fields ? { fields } : {}) },
});

/** Runs `work`; a DomainError becomes a failed Outcome, anything else (a bug) is rethrown. */
export async function attempt<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return ok(await work());
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error: error.toData() };
    throw error;
  }
}

/** The value of an Outcome, or its failure thrown again as a DomainError on the caller's side. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const { code, message, fields } = outcome.error;
  throw new DomainError(code, message, { fields });
}
