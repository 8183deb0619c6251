import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app';
import { guardedRole } from '../../worker/http/guards';
import { call } from './support/client';

const MIN_ROLES = ['public', 'viewer', 'operator', 'admin', 'runner', 'telegram', 'run'];

interface Operation {
  'x-min-role'?: string;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

async function document(): Promise<Document> {
  const response = await call('/api/openapi.json');
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
}

/** Hono writes /api/roles/:email; OpenAPI writes /api/roles/{email}. */
const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

describe('every route declares who may call it', () => {
  const app = createApp();
  // app.routes has one entry per handler (guard, validators, handler): keep one per endpoint.
  const endpoints = [
    ...new Map(
      app.routes.filter((r) => r.method !== 'ALL').map((r) => [`${r.method} ${r.path}`, r]),
    ).values(),
  ];

  it('finds the routes to check (the walk itself works)', () => {
    expect(endpoints.length).toBeGreaterThan(8);
    expect(endpoints.some((r) => r.method === 'PUT' && r.path === '/api/roles/:email')).toBe(true);
  });

  it('guards every non-GET route with a role guard', () => {
    const unguarded = endpoints
      .filter((r) => r.method !== 'GET')
      .filter(
        (r) =>
          !app.routes.some(
            (g) => g.method === r.method && g.path === r.path && guardedRole(g.handler),
          ),
      )
      .map((r) => `${r.method} ${r.path}`);
    expect(unguarded).toEqual([]);
  });

  it('puts every route in the OpenAPI document with the same x-min-role as its guard', async () => {
    const { paths } = await document();
    const problems: string[] = [];
    for (const route of endpoints) {
      const operation = paths[toOpenApiPath(route.path)]?.[route.method.toLowerCase()];
      const guard = app.routes.find(
        (g) => g.method === route.method && g.path === route.path && guardedRole(g.handler),
      );
      if (!operation) problems.push(`${route.method} ${route.path} is missing from the document`);
      else if (operation['x-min-role'] !== guardedRole(guard?.handler)) {
        problems.push(`${route.method} ${route.path}: document and guard disagree`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('serves OpenAPI 3.1 where every operation carries a known x-min-role', async () => {
    const doc = await document();
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBe(endpoints.length);
    for (const operation of operations) expect(MIN_ROLES).toContain(operation['x-min-role']);
  });

  it('documents the roles of the sign-in, audit and role routes', async () => {
    const { paths } = await document();
    expect(paths['/api/me']?.get?.['x-min-role']).toBe('viewer');
    expect(paths['/api/audit']?.get?.['x-min-role']).toBe('viewer');
    expect(paths['/api/roles/{email}']?.put?.['x-min-role']).toBe('admin');
    expect(paths['/auth/dev/login']?.post?.['x-min-role']).toBe('public');
  });

  it('links the interactive reference page', async () => {
    const response = await call('/api/docs');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/docs/api/');
  });
});
