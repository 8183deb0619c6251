import { beforeAll, describe, expect, it } from 'vitest';
import { registerRunner } from '../runners/support';
import { call, signInAs } from '../support/client';
import { createToken } from '../tokens/support';
import {
  DECLARED_OTHERWISE,
  EXPECTED_MIN_ROLE,
  enforcedRole,
  type MinRole,
  REFUSED_TO_TOKENS,
} from './expected-roles';
import { fillPath, type Operation, operations } from './support';

const SECRET = 'test-webhook-secret-0123456789abcdef';
const RANK: Record<string, number> = { viewer: 1, operator: 2, admin: 3 };
type Caller = 'anonymous' | 'viewer' | 'operator' | 'admin' | 'runner' | 'telegram' | 'token';

/** What a caller must get: `allowed` means anything but 401 and 403 (400, 404, 426, ...). */
function expected(minRole: MinRole, caller: Caller, key: string): 401 | 403 | 'allowed' {
  if (minRole === 'public') return 'allowed';
  if (minRole === 'runner' || minRole === 'telegram') return caller === minRole ? 'allowed' : 401;
  // Only a run's own token (minted with a claim) opens the MCP server: no caller here holds one.
  if (minRole === 'run') return 401;
  // An operator's API token: an operator on the API, except admin and person-only routes.
  if (caller === 'token') {
    return minRole === 'admin' || REFUSED_TO_TOKENS.has(key) ? 403 : 'allowed';
  }
  // A session route: a bearer token or the webhook secret is no session.
  const rank = RANK[caller];
  if (rank === undefined) return 401;
  return rank >= (RANK[minRole] ?? Number.POSITIVE_INFINITY) ? 'allowed' : 403;
}

const keyOf = (op: Operation) => `${op.method} ${op.path}`;
let ops: Operation[] = [];

beforeAll(async () => {
  ops = await operations();
});

describe('the declared minimum role of every operation matches the hand-written table', () => {
  it('lists exactly the operations of the OpenAPI document', () => {
    const documented = ops.map(keyOf).sort();
    const written = Object.keys(EXPECTED_MIN_ROLE).sort();
    expect({
      'in the document, missing from expected-roles.ts': documented.filter(
        (k) => !(k in EXPECTED_MIN_ROLE),
      ),
      'in expected-roles.ts, not in the document': written.filter((k) => !documented.includes(k)),
    }).toEqual({
      'in the document, missing from expected-roles.ts': [],
      'in expected-roles.ts, not in the document': [],
    });
    expect(documented).toHaveLength(new Set(documented).size);
  });

  it('declares each x-min-role as the table says (or as an acknowledged disagreement)', () => {
    const wrong = ops
      .filter((op) => op.minRole !== enforcedRole(keyOf(op)))
      .map((op) => `${keyOf(op)}: declared ${op.minRole}, want ${enforcedRole(keyOf(op))}`);
    expect(wrong).toEqual([]);
    for (const [key, { declared }] of Object.entries(DECLARED_OTHERWISE)) {
      expect(EXPECTED_MIN_ROLE[key], `${key} is no disagreement`).not.toBe(declared);
    }
  });
});

describe('every route in the OpenAPI document gives each caller exactly what its role allows', () => {
  it('anonymous, viewer, operator, admin, runner, Telegram and API-token callers, route by route', async () => {
    const runner = await registerRunner('matrix-runner');
    const apiToken = await createToken('matrix-token', 'operator');
    const headers: Record<Caller, Record<string, string>> = {
      anonymous: {},
      viewer: { cookie: await signInAs('viewer@test.hq') },
      operator: { cookie: await signInAs('operator@test.hq') },
      admin: { cookie: await signInAs('admin@test.hq') },
      runner: { authorization: `Bearer ${runner.token}` },
      telegram: { 'x-telegram-bot-api-secret-token': SECRET },
      token: { authorization: `Bearer ${apiToken.token}` },
    };
    // Signing out ends the callers' sessions, so it goes last.
    const ordered = [...ops].sort(
      (a, b) => Number(a.path === '/auth/logout') - Number(b.path === '/auth/logout'),
    );
    const wrong: string[] = [];
    for (const op of ordered) {
      const minRole = enforcedRole(keyOf(op));
      if (!minRole) continue; // reported by the table test above
      for (const caller of Object.keys(headers) as Caller[]) {
        const response = await call(
          fillPath(op.path, () => 'probe-id'),
          {
            method: op.method,
            headers: headers[caller],
            // The runner's claim long-polls up to 25 s; hanging up ends it, as for a runner.
            signal: AbortSignal.timeout(200),
            ...(op.hasJsonBody ? { json: {} } : {}),
          },
        );
        const want = expected(minRole, caller, keyOf(op));
        const problem = await check(response, want);
        if (problem)
          wrong.push(`${caller} ${keyOf(op)} (min ${minRole}): ${problem}, want ${want}`);
      }
    }
    expect(wrong).toEqual([]);
    // Some 400 requests, one after another: more than vitest's default 5 s on a busy machine.
  }, 30_000);
});

/** What is wrong with a response, or undefined when it is what `want` says. */
async function check(response: Response, want: 401 | 403 | 'allowed') {
  if (want === 'allowed') {
    await response.body?.cancel();
    return response.status === 401 || response.status === 403
      ? `got ${response.status}`
      : undefined;
  }
  const text = await response.text();
  if (response.status !== want) return `got ${response.status} ${text.slice(0, 120)}`;
  let error: { code?: unknown; message?: unknown; requestId?: unknown } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    return `got a ${want} that is not JSON: ${text.slice(0, 120)}`;
  }
  const code = want === 401 ? 'unauthenticated' : 'forbidden';
  const shaped =
    response.headers.get('content-type')?.startsWith('application/json') &&
    error?.code === code &&
    typeof error.message === 'string' &&
    error.message.length > 0 &&
    typeof error.requestId === 'string' &&
    error.requestId.length > 0;
  return shaped ? undefined : `got a ${want} without the error shape: ${text.slice(0, 120)}`;
}
