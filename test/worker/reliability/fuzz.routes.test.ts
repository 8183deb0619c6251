import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerRunner } from '../runners/support';
import { call, signInAs } from '../support/client';
import { fillPath, type Operation, operations } from './support';

/** How many random requests each route gets. */
const RUNS_PER_ROUTE = 30;
const SECRET = 'test-webhook-secret-0123456789';

let tables: string[] = [];
let credentials: { cookie: string; runnerToken: string };

/** Row counts of every table and the latest update times: any write changes it. */
async function fingerprint(): Promise<string> {
  const counts = tables.map((t) => `(SELECT COUNT(*) FROM "${t}")`).join(" || ',' || ");
  const times = ['agents', 'missions', 'tasks', 'settings']
    .map((t) => `(SELECT COALESCE(MAX(updated_at), 0) FROM ${t})`)
    .join(" || ',' || ");
  const row = await env.DB.prepare(`SELECT ${counts} || '|' || ${times} AS f`).first<{
    f: string;
  }>();
  return row?.f ?? '';
}

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '%',
    '\u0000',
    'null',
    '-1',
    '1e309',
    'x'.repeat(600),
    '<script>',
    "' OR 1=1 --",
  ),
  fc.uuid(),
  fc.integer().map(String),
);

/** A random request for one operation: path parameters, query, headers and body. */
function requestFor(op: Operation) {
  const queryNames = op.params.filter((p) => p.in === 'query').map((p) => p.name);
  return fc.record({
    path: fc.array(text, { minLength: 3, maxLength: 3 }),
    query: fc.dictionary(
      fc.oneof(fc.constantFrom(...queryNames, 'extra'), fc.string({ maxLength: 8 })),
      text,
      { maxKeys: 4 },
    ),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=zz',
      'garbage;;==',
    ),
    body: fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }))
        .map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.constant('{"unterminated": '),
      fc.constant(''),
    ),
    extraHeader: fc.tuple(
      fc.constantFrom('x-random', 'accept', 'if-none-match', 'x-forwarded-for'),
      fc.string({ maxLength: 30 }),
    ),
  });
}

beforeAll(async () => {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
  ).all<{ name: string }>();
  tables = results.map((r) => r.name);
  credentials = {
    cookie: await signInAs('admin@test.hq'),
    runnerToken: (await registerRunner('fuzz-runner')).token,
  };
});

describe('fuzzing every route of the OpenAPI document', () => {
  it('never answers 5xx, and writes nothing when it answers 4xx', async () => {
    // Signing out would end the fuzzer's own session; it is public and tested on its own.
    const ops = (await operations()).filter((op) => op.path !== '/auth/logout');
    expect(ops.length).toBeGreaterThan(50);
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (input) => {
          let i = 0;
          const path = fillPath(op.path, () => input.path[i++ % 3] ?? '');
          const query = new URLSearchParams(input.query).toString();
          const headers: Record<string, string> = { 'content-type': input.contentType };
          if (/^[\w-]+$/.test(input.extraHeader[0]) && /^[\x20-\x7e]*$/.test(input.extraHeader[1]))
            headers[input.extraHeader[0]] = input.extraHeader[1];
          if (op.minRole === 'runner') headers.authorization = `Bearer ${credentials.runnerToken}`;
          if (op.minRole === 'telegram') headers['x-telegram-bot-api-secret-token'] = SECRET;
          const before = await fingerprint();
          const response = await call(`${path}${query ? `?${query}` : ''}`, {
            method: op.method,
            cookie: credentials.cookie,
            headers,
            ...(op.method === 'GET' || op.method === 'HEAD' ? {} : { body: input.body }),
          });
          const body = await response.text();
          expect(
            response.status,
            `${op.method} ${path}?${query} → ${body.slice(0, 300)}`,
          ).toBeLessThan(500);
          if (response.status >= 400) {
            expect(await fingerprint(), `${op.method} ${path} wrote on a ${response.status}`).toBe(
              before,
            );
          }
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
  }, 600_000);
});
