// The per-run token: what an agent's CLI shows HQ's MCP server (worker/mcp/) mid-run. It is
// minted with each claim and names that run alone (task, run number, runner, expiry), signed
// with a key of its own derived from SESSION_SECRET, so nothing is stored and a leaked token
// is worth one run: the server also checks that the task is still RUNNING with that run on
// that runner, so the token dies with the run even before it expires.
import { keyedHash, timingSafeEqual } from '../auth/crypto';
import { sessionSecretProblem } from '../config';
import { envValue } from '../env';
import { ApiError } from '../http/errors';

/** Run tokens carry a prefix so a leaked one is recognisable in logs and scanners. */
export const RUN_TOKEN_PREFIX = 'hqm_';
/** The label the signing key is derived under: no other HMAC of SESSION_SECRET signs this. */
const KEY_LABEL = 'hq mcp run token v1';
/** No run outlives the 48-hour age limit of an open task; the token does not either. */
export const RUN_TOKEN_TTL_MS = 48 * 60 * 60 * 1000;

export interface RunGrant {
  taskId: string;
  /** The task's run (tasks.runs) the token was minted for. */
  run: number;
  runnerId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Refuses (503, naming the variable) when run tokens cannot be signed: a claim checks this
 * before it moves a task, so no task goes RUNNING with a claim that cannot be answered.
 */
export function requireRunTokenKey(env: Env): string {
  const problem = sessionSecretProblem(env);
  const secret = envValue(env, 'SESSION_SECRET');
  if (problem || !secret)
    throw new ApiError(
      'misconfigured',
      `${problem ?? 'SESSION_SECRET is not set.'} Each claim hands its run a token signed with a key derived from it.`,
    );
  return secret;
}

function signingKey(env: Env): Promise<string> {
  return keyedHash(requireRunTokenKey(env), KEY_LABEL);
}

const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

function fromBase64Url(text: string): string {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** `hqm_<base64url of [taskId, run, runnerId, expiresAt]>.<hex HMAC-SHA256 of that>`. */
export async function mintRunToken(env: Env, grant: RunGrant): Promise<string> {
  const body = toBase64Url(
    JSON.stringify([grant.taskId, grant.run, grant.runnerId, grant.expiresAt]),
  );
  return `${RUN_TOKEN_PREFIX}${body}.${await keyedHash(await signingKey(env), body)}`;
}

/** What a token grants, or why it grants nothing (said in the 401). */
export async function readRunToken(
  env: Env,
  token: string,
  now: number,
): Promise<RunGrant | { problem: string }> {
  if (!token.startsWith(RUN_TOKEN_PREFIX))
    return { problem: `Send the run's token as Authorization: Bearer ${RUN_TOKEN_PREFIX}...` };
  const [body = '', signature = '', ...rest] = token.slice(RUN_TOKEN_PREFIX.length).split('.');
  if (!body || !signature || rest.length) return { problem: 'The run token is malformed.' };
  const expected = await keyedHash(await signingKey(env), body);
  if (!timingSafeEqual(signature, expected))
    return { problem: 'The run token was not signed by this HQ (or was altered).' };
  let fields: unknown;
  try {
    fields = JSON.parse(fromBase64Url(body));
  } catch {
    return { problem: 'The run token is malformed.' };
  }
  const [taskId, run, runnerId, expiresAt] = Array.isArray(fields) ? fields : [];
  if (
    typeof taskId !== 'string' ||
    typeof runnerId !== 'string' ||
    !Number.isInteger(run) ||
    !Number.isInteger(expiresAt)
  )
    return { problem: 'The run token is malformed.' };
  if (expiresAt <= now)
    return { problem: `The run token expired at ${new Date(expiresAt).toISOString()}.` };
  return { taskId, run, runnerId, expiresAt };
}
