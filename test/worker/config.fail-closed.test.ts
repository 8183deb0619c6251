import { describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from './support/client';

const badSecrets = [
  { name: 'missing', value: undefined },
  { name: 'empty', value: '' },
  { name: 'short', value: 'x'.repeat(31) },
];

describe('fail closed without a usable SESSION_SECRET', () => {
  for (const { name, value } of badSecrets) {
    it(`${name} secret: authenticated routes answer 503 naming SESSION_SECRET`, async () => {
      const cookie = await signInAs('admin@test.hq');
      for (const path of ['/api/me', '/api/audit', '/api/roles']) {
        const response = await call(path, { cookie, env: { SESSION_SECRET: value } });
        expect(response.status).toBe(503);
        const error = await errorOf(response);
        expect(error.code).toBe('misconfigured');
        expect(error.message).toContain('SESSION_SECRET');
      }
      const login = await call('/auth/dev/login', {
        method: 'POST',
        json: { email: 'admin@test.hq' },
        env: { SESSION_SECRET: value },
      });
      expect(login.status).toBe(503);
    });

    it(`${name} secret: /api/health reports ok false with the problem`, async () => {
      const response = await call('/api/health', { env: { SESSION_SECRET: value } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { ok: boolean; problems: string[] };
      expect(body.ok).toBe(false);
      expect(body.problems).toEqual([expect.stringContaining('SESSION_SECRET')]);
    });
  }

  it('accepts a secret of exactly 32 bytes', async () => {
    const response = await call('/api/health', { env: { SESSION_SECRET: 'y'.repeat(32) } });
    expect(await response.json()).toMatchObject({ ok: true, problems: [] });
  });
});
