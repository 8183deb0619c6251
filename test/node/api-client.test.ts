import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HqClient, HqError } from '../../runner/api';
import { ApiFailure, ok } from '../../web/src/api/client';
import type { paths } from '../../worker/openapi/schema.gen';

// A stand-in HQ on a real socket: the typed clients' unwrapping is what is under test here,
// not HQ's routes (the browser and runner suites cover those).
let server: Server;
let url = '';
const seen: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    if (req.url === '/api/me') {
      res.writeHead(403, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({ error: { code: 'forbidden', message: 'no role', requestId: 'r1' } }),
      );
    }
    res.writeHead(204);
    res.end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('the typed clients', () => {
  it('ok() throws the server error body as ApiFailure and answers 204 with undefined', async () => {
    const hq = createClient<paths>({ baseUrl: url });
    const failure = await ok(hq.GET('/api/me')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect((failure as ApiFailure).status).toBe(403);
    expect((failure as ApiFailure).body).toEqual({
      code: 'forbidden',
      message: 'no role',
      requestId: 'r1',
    });
    expect(await ok(hq.POST('/api/memory/{id}/resolve', { params: { path: { id: 'm 1' } } }))).toBe(
      undefined,
    );
    expect(seen).toContain('POST /api/memory/m%201/resolve ');
  });

  it('the runner sends its bearer token through the typed client and keeps 204 as undefined', async () => {
    const client = new HqClient(url, 'hqr_test');
    expect(await client.reviewClaim()).toBeUndefined();
    expect(seen).toContain('POST /api/runner/reviews/claim Bearer hqr_test');
    expect(() => client.release('..', 'x')).toThrow(/path step/);
    expect(HqError).toBeDefined();
  });
});
