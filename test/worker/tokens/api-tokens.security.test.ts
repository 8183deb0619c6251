import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { requireRole } from '../../../worker/auth/guard';
import type { HonoEnv } from '../../../worker/env';
import { handleError } from '../../../worker/http/errors';
import { registerRunner, runnerCall } from '../runners/support';
import { call, errorOf, ORIGIN, signInAs } from '../support/client';
import { createToken, withToken } from './support';

describe('an API token never reaches admin routes, for reads as for writes', () => {
  it('refuses an operator token on admin reads and writes with 403 naming why', async () => {
    const { token } = await createToken('escalator', 'operator');
    for (const [path, init] of [
      ['/api/roles', {}],
      ['/api/settings', {}],
      ['/api/tokens', {}],
      // Minting itself a fresh token, or an admin, or a runner: all refused.
      ['/api/tokens', { method: 'POST', json: { name: 'child', role: 'operator' } }],
      ['/api/roles/mallory@test.hq', { method: 'PUT', json: { role: 'admin' } }],
      ['/api/runners', { method: 'POST', json: { name: 'sneaky' } }],
    ] as const) {
      const response = await withToken(token, path, init);
      expect(response.status, `${path} ${JSON.stringify(init)}`).toBe(403);
      expect((await errorOf(response)).message).toBe(
        'API tokens never reach admin routes; token:escalator is operator. Sign in as an admin.',
      );
    }
    const admin = await signInAs('admin@test.hq');
    const roles = (await (await call('/api/roles', { cookie: admin })).json()) as {
      roles: { email: string }[];
    };
    expect(roles.roles.map((r) => r.email)).not.toContain('mallory@test.hq');
    const tokens = (await (await call('/api/tokens', { cookie: admin })).json()) as {
      tokens: { name: string }[];
    };
    expect(tokens.tokens.map((t) => t.name)).toEqual(['escalator']);
    // Each attempt is on record under the token's name.
    const audit = await call('/api/audit?actor=token:escalator&action=api_token.refused', {
      cookie: admin,
    });
    const { items } = (await audit.json()) as { items: { summary: Record<string, unknown> }[] };
    expect(items.map((i) => `${i.summary.method} ${i.summary.path} ${i.summary.status}`)).toEqual([
      'POST /api/runners 403',
      'PUT /api/roles/mallory@test.hq 403',
      'POST /api/tokens 403',
      'GET /api/tokens 403',
      'GET /api/settings 403',
      'GET /api/roles 403',
    ]);
  });

  it('refuses a token where HQ acts for a person: the CEO chat, Telegram linking, the office socket', async () => {
    const { token } = await createToken('chatty', 'operator');
    for (const [path, init] of [
      ['/api/chat', { method: 'POST', json: { message: 'approve every mission' } }],
      ['/api/chat/history', {}],
      ['/api/telegram/link-code', { method: 'POST', json: {} }],
      ['/api/office/ws', { headers: { upgrade: 'websocket' } }],
    ] as const) {
      const response = await withToken(token, path, init);
      expect(response.status, path).toBe(403);
      expect((await errorOf(response)).message).toContain('acts as a person');
    }
  });

  it('a forged, unknown or truncated token is 401, never a fall-through to the cookie', async () => {
    const { token } = await createToken('real', 'viewer');
    const viewer = await signInAs('viewer@test.hq');
    for (const bogus of ['hq_api_forged', `${token}x`, token.slice(0, -1)]) {
      const response = await withToken(bogus, '/api/tasks', { cookie: viewer });
      expect(response.status).toBe(401);
      expect((await errorOf(response)).message).toBe('Unknown API token.');
    }
  });
});

describe('an API token is taken on /api/* only, and is no runner token (nor the reverse)', () => {
  it('ignores a bearer token outside /api/*: the route wants a session', async () => {
    const { token } = await createToken('pages', 'operator');
    // A page-like route guarded exactly as the app guards its routes (HQ serves its pages as
    // static assets; this stands for any role-guarded path outside the API).
    const app = new OpenAPIHono<HonoEnv>();
    app.get('/settings', requireRole('viewer'), (c) => c.text(c.get('user').email));
    app.get('/api/probe', requireRole('viewer'), (c) => c.text(c.get('user').email));
    app.onError(handleError);
    const fetchWith = async (path: string) => {
      const ctx = createExecutionContext();
      const request = new Request(new URL(path, ORIGIN), {
        headers: { authorization: `Bearer ${token}` },
      });
      const response = await app.fetch(request, env, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    };
    const page = await fetchWith('/settings');
    expect(page.status).toBe(401);
    const api = await fetchWith('/api/probe');
    expect(await api.text()).toBe('token:pages');
    // Sign-out is a public /auth/* route: a token there neither signs anyone in nor out.
    const logout = await withToken(token, '/auth/logout', { method: 'POST' });
    expect(logout.status).toBe(204);
    expect((await withToken(token, '/api/me')).status).toBe(200);
  });

  it('a runner token is not an API token, and an API token is not a runner token', async () => {
    const runner = await registerRunner('plain-runner');
    const asApi = await withToken(runner.token, '/api/tasks');
    expect(asApi.status).toBe(401);
    expect((await errorOf(asApi)).message).toBe('Sign in first.');
    const { token } = await createToken('not-a-runner', 'operator');
    const asRunner = await runnerCall(token, '/api/runner/missions', { json: {} });
    expect(asRunner.status).toBe(401);
    expect((await errorOf(asRunner)).message).toContain('runner token');
  });

  it('the Telegram webhook ignores an API token', async () => {
    const { token } = await createToken('webhook-poker', 'operator');
    const response = await withToken(token, '/telegram/webhook', { method: 'POST', json: {} });
    // Not set up in this test's configuration (404), or a missing secret (401): never a 2xx.
    expect([401, 404]).toContain(response.status);
  });
});

describe('CSRF: a bearer write carries no cookie to forge; a cookie write is still checked', () => {
  it('accepts a token write with no Origin and no cookie', async () => {
    const { token } = await createToken('scripted', 'operator');
    const response = await withToken(token, '/api/missions', {
      method: 'POST',
      headers: { origin: '' },
      json: {
        title: 'From a script',
        brief: 'CI asked.',
        repository: 'acme/app',
        tasks: [{ title: 'One', spec: 'Do it.', expectedScope: ['src/**'] }],
      },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    expect(((await response.json()) as { proposedBy: string }).proposedBy).toBe('token:scripted');
  });

  it('still refuses a cross-site write that carries a session cookie, token or not', async () => {
    const { token } = await createToken('riding-along', 'operator');
    const operator = await signInAs('operator@test.hq');
    const response = await withToken(token, '/api/ceo/scan', {
      method: 'POST',
      cookie: operator,
      headers: { origin: 'https://evil.example' },
      json: {},
    });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('csrf_rejected');
  });
});
