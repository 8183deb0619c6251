import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app';
import { SECURITY_SCHEMES } from '../../worker/http/credentials';
import { guardedRole } from '../../worker/http/guards';
import { call, signInAs } from './support/client';
import { createToken, withToken } from './tokens/support';

type Requirement = Record<string, string[]>;
interface Operation {
  'x-min-role'?: string;
  security?: Requirement[];
}
interface Document {
  servers: { url: string }[];
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

async function document(): Promise<Document> {
  const response = await call('/api/openapi.json');
  expect(response.status).toBe(200);
  return (await response.json()) as Document;
}

const COOKIE: Requirement[] = [{ sessionCookie: [] }];
const COOKIE_OR_TOKEN: Requirement[] = [{ sessionCookie: [] }, { apiToken: [] }];

/**
 * What each kind of caller must present, written out here rather than derived, so this
 * test checks the derivation (worker/http/credentials.ts) instead of repeating it. API
 * tokens: viewer and operator routes under /api/, but never admin routes and never the
 * routes that act as a person (chat, Telegram links, the office socket).
 */
function expected(minRole: string, path: string): Requirement[] {
  if (minRole === 'public') return [];
  if (minRole === 'runner') return [{ runnerToken: [] }];
  if (minRole === 'run') return [{ runToken: [] }];
  if (minRole === 'telegram') return [{ telegramSecret: [] }];
  if (minRole === 'admin' || !path.startsWith('/api/')) return COOKIE;
  if (/^\/api\/(chat|telegram)(\/|$)|^\/api\/office\/ws$/.test(path)) return COOKIE;
  return COOKIE_OR_TOKEN;
}

describe('the document says which credential each operation takes', () => {
  it('registers every security scheme, and a relative server', async () => {
    const doc = await document();
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(doc.components.securitySchemes).toEqual(SECURITY_SCHEMES);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'apiToken',
      'runToken',
      'runnerToken',
      'sessionCookie',
      'telegramSecret',
    ]);
    expect(doc.components.securitySchemes.sessionCookie).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'hq_session',
    });
  });

  it("gives every operation the security of its x-min-role, and that of its route's guard", async () => {
    const { paths } = await document();
    const app = createApp();
    const problems: string[] = [];
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const role = operation['x-min-role'] ?? '';
        const honoPath = path.replace(/\{(\w+)\}/g, ':$1');
        const guard = app.routes.find(
          (r) => r.method === method.toUpperCase() && r.path === honoPath && guardedRole(r.handler),
        );
        if (guardedRole(guard?.handler) !== role) problems.push(`${method} ${path}: guard differs`);
        const want = expected(role, path);
        if (JSON.stringify(operation.security) !== JSON.stringify(want)) {
          problems.push(`${method} ${path} (${role}): ${JSON.stringify(operation.security)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('lists none for public operations, and one scheme per kind of caller', async () => {
    const { paths } = await document();
    expect(paths['/api/health']?.get?.security).toEqual([]);
    expect(paths['/api/hooks/routines/{id}']?.post?.security).toEqual([]);
    expect(paths['/api/roles']?.get?.security).toEqual(COOKIE);
    expect(paths['/api/chat']?.post?.security).toEqual(COOKIE);
    expect(paths['/api/tasks']?.get?.security).toEqual(COOKIE_OR_TOKEN);
    expect(paths['/api/runner/claim']?.post?.security).toEqual([{ runnerToken: [] }]);
    expect(paths['/telegram/webhook']?.post?.security).toEqual([{ telegramSecret: [] }]);
    expect(paths['/mcp']?.post?.security).toEqual([{ runToken: [] }]);
  });
});

describe('the server keeps what the document says', () => {
  it('refuses an API token on an admin route that lists only the cookie', async () => {
    const { token } = await createToken('openapi-security-operator', 'operator');
    const refused = await withToken(token, '/api/tokens');
    expect(refused.status).toBe(403);
    // The same token is taken where the document lists apiToken...
    expect((await withToken(token, '/api/tasks')).status).toBe(200);
    // ...refused where it acts as a person, though viewer would do...
    expect((await withToken(token, '/api/chat/history')).status).toBe(403);
    // ...and the admin route takes the cookie it lists.
    expect((await call('/api/tokens', { cookie: await signInAs('admin@test.hq') })).status).toBe(
      200,
    );
  });

  it('refuses an API token where a runner token is listed, and needs nothing on public ones', async () => {
    const { token } = await createToken('openapi-security-runner', 'operator');
    const runnerRoute = await withToken(token, '/api/runner/claim', { method: 'POST', json: {} });
    expect(runnerRoute.status).toBe(401);
    expect((await call('/api/health')).status).toBe(200);
  });
});
