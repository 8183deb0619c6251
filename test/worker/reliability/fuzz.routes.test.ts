import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { hire, plan, propose } from '../missions/support';
import { registerRunner } from '../runners/support';
import { call, signInAs } from '../support/client';
import { type Components, shaped } from './bodies';
import { changedTables, type Snapshotter, snapshotter } from './fingerprint';
import { fillPath, type Operation, openapi } from './support';

/** How many random requests each route gets. */
const RUNS_PER_ROUTE = 30;
const SECRET = 'test-webhook-secret-0123456789abcdef';
/**
 * The guard stamps a runner's last contact on every request its token authenticates, a 4xx
 * included: the runner did call, so that is the truth, not a leaked write.
 */
const EXEMPT = [
  { table: 'runners', column: 'last_seen_at', why: 'the runner guard records every contact' },
];
/**
 * Every request hangs up after this long, as a runner does: the claim long poll (up to 25 s,
 * the default of an empty body) then stops. Nothing else reads the request's signal.
 */
const HANG_UP_MS = 200;

let db: Snapshotter;
let credentials: { cookie: string; runnerToken: string; runnerId: string };
/** Ids of things that exist, so that some requests get past the 404 into the handler. */
let known: string[] = [];

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

const anyContentType = fc.constantFrom(
  'application/json',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'garbage;;==',
);

const anyBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }))
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constant('{"unterminated": '),
  fc.constant(''),
);

/**
 * The body: anything at all, or (when the route declares a schema) JSON shaped like it, so
 * that what the handler checks after the shape (ids, states, cross-field rules) gets fuzzed too.
 */
function payloadFor(op: Operation, components: Components) {
  const random = fc.record({ contentType: anyContentType, body: anyBody });
  if (!op.bodySchema) return random;
  const schemaShaped = fc.record({
    contentType: fc.constant('application/json'),
    body: shaped(op.bodySchema, components).map((v) => JSON.stringify(v) ?? ''),
  });
  return fc.oneof(random, schemaShaped);
}

/** A random request for one operation: path parameters, query, headers and body. */
function requestFor(op: Operation, components: Components) {
  const queryNames = op.params.filter((p) => p.in === 'query').map((p) => p.name);
  const pathValue = fc.oneof(text, fc.constantFrom(...known));
  return fc.record({
    path: fc.array(pathValue, { minLength: 3, maxLength: 3 }),
    query: fc.dictionary(
      fc.oneof(fc.constantFrom(...queryNames, 'extra'), fc.string({ maxLength: 8 })),
      text,
      { maxKeys: 4 },
    ),
    payload: payloadFor(op, components),
    extraHeader: fc.tuple(
      fc.constantFrom('x-random', 'accept', 'if-none-match', 'x-forwarded-for'),
      fc.string({ maxLength: 30 }),
    ),
  });
}

beforeAll(async () => {
  // A small company with work in flight: agents, an approved mission, dispatched tasks.
  await hire({ slug: 'fuzz-backend' }, { slug: 'fuzz-docs' });
  const { mission, operator } = await propose(plan());
  const approved = await call(`/api/missions/${mission.id}/approve`, {
    method: 'POST',
    cookie: operator,
    json: {},
  });
  expect(approved.status).toBe(200);
  await propose(plan({ title: 'Still proposed' }));
  const ids = await env.DB.prepare(
    'SELECT slug AS id FROM agents UNION ALL SELECT id FROM missions UNION ALL SELECT id FROM tasks',
  ).all<{ id: string }>();
  known = ids.results.map((r) => r.id);
  const runner = await registerRunner('fuzz-runner');
  credentials = {
    cookie: await signInAs('admin@test.hq'),
    runnerToken: runner.token,
    runnerId: runner.id,
  };
  db = await snapshotter(EXEMPT);
});

describe('the write detector', () => {
  it('sees a one-column UPDATE of one row in tables without updated_at, and nothing else', async () => {
    const start = await db.take();
    expect(db.tables.length).toBeGreaterThan(15);
    expect(await db.take(), 'two fingerprints of an unchanged database differ').toEqual(start);
    // Same length, same row count, no updated_at column: only the contents can tell.
    await env.DB.prepare('UPDATE runners SET name = upper(name) WHERE id = ?')
      .bind(credentials.runnerId)
      .run();
    expect(changedTables(start, await db.take())).toEqual(['runners']);
    await env.DB.prepare('UPDATE runners SET name = lower(name) WHERE id = ?')
      .bind(credentials.runnerId)
      .run();
    expect(await db.take()).toEqual(start);
    // An integer off by one: no row count or timestamp moves.
    await env.DB.prepare('UPDATE sessions SET expires_at = expires_at + 1').run();
    expect(changedTables(start, await db.take())).toEqual(['sessions']);
    await env.DB.prepare('UPDATE sessions SET expires_at = expires_at - 1').run();
    expect(await db.take()).toEqual(start);
  });

  it('reads WITHOUT ROWID tables and tells blobs apart byte by byte', async () => {
    await env.DB.exec('CREATE TABLE probe_no_rowid (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID');
    await env.DB.prepare("INSERT INTO probe_no_rowid VALUES ('a', X'0001'), ('b', NULL)").run();
    const probe = await snapshotter();
    const start = await probe.take();
    await env.DB.prepare("UPDATE probe_no_rowid SET v = X'0002' WHERE k = 'a'").run();
    expect(changedTables(start, await probe.take())).toEqual(['probe_no_rowid']);
    await env.DB.prepare("UPDATE probe_no_rowid SET v = X'0001' WHERE k = 'a'").run();
    expect(await probe.take()).toEqual(start);
    await env.DB.exec('DROP TABLE probe_no_rowid');
  });
});

describe('fuzzing every route of the OpenAPI document', () => {
  it('never answers 5xx, and writes nothing when it answers 4xx', async () => {
    const { ops: all, components } = await openapi();
    // Signing out would end the fuzzer's own session; it is public and tested on its own.
    const ops = all.filter((op) => op.path !== '/auth/logout');
    expect(ops.length).toBeGreaterThan(50);
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(requestFor(op, components), async (input) => {
          let i = 0;
          const path = fillPath(op.path, () => input.path[i++ % 3] ?? '');
          const query = new URLSearchParams(input.query).toString();
          const headers: Record<string, string> = { 'content-type': input.payload.contentType };
          if (/^[\w-]+$/.test(input.extraHeader[0]) && /^[\x20-\x7e]*$/.test(input.extraHeader[1]))
            headers[input.extraHeader[0]] = input.extraHeader[1];
          if (op.minRole === 'runner') headers.authorization = `Bearer ${credentials.runnerToken}`;
          if (op.minRole === 'telegram') headers['x-telegram-bot-api-secret-token'] = SECRET;
          const before = await db.take();
          const response = await call(`${path}${query ? `?${query}` : ''}`, {
            method: op.method,
            cookie: credentials.cookie,
            headers,
            signal: AbortSignal.timeout(HANG_UP_MS),
            ...(op.method === 'GET' || op.method === 'HEAD' ? {} : { body: input.payload.body }),
          });
          const body = await response.text();
          const what = `${op.method} ${path}?${query} ${input.payload.body.slice(0, 200)}`;
          expect(response.status, `${what} → ${body.slice(0, 300)}`).toBeLessThan(500);
          if (response.status >= 400) {
            const changed = changedTables(before, await db.take());
            expect(changed, `${what} wrote on a ${response.status}`).toEqual([]);
          }
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
  }, 600_000);
});
