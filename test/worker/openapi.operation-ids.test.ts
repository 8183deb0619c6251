import { describe, expect, it } from 'vitest';
import { call } from './support/client';

type Document = { paths: Record<string, Record<string, { operationId?: string }>> };

/** Every operation of the served document, named `METHOD path`. */
async function operations() {
  const response = await call('/api/openapi.json');
  expect(response.status).toBe(200);
  const { paths } = (await response.json()) as Document;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      operationId: operation.operationId,
    })),
  );
}

// Generated clients name their calls by operationId: each must exist, read as a camelCase
// verb phrase, and be unique, or two calls would collide.
describe('operationIds', () => {
  it('are on every operation, in camelCase', async () => {
    const all = await operations();
    expect(all.length).toBeGreaterThan(100);
    const bad = all.filter((o) => !/^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*$/.test(o.operationId ?? ''));
    expect(bad.map((o) => `${o.name}: ${o.operationId}`)).toEqual([]);
  });

  it('are unique', async () => {
    const seen = new Map<string, string[]>();
    for (const { name, operationId = '' } of await operations()) {
      seen.set(operationId, [...(seen.get(operationId) ?? []), name]);
    }
    const shared = [...seen].filter(([, names]) => names.length > 1);
    expect(shared).toEqual([]);
  });

  it('name the calls as a client would read them', async () => {
    const ids = new Map((await operations()).map((o) => [o.name, o.operationId]));
    expect(ids.get('GET /api/tasks')).toBe('listTasks');
    expect(ids.get('POST /api/missions/{id}/approve')).toBe('approveMission');
    expect(ids.get('POST /api/runner/claim')).toBe('claimTask');
    expect(ids.get('GET /mcp')).toBe('getMcpStream');
  });
});
