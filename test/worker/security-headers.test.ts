import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../worker/http/security-policy';
import { call } from './support/client';

describe('the worker’s security headers', () => {
  it('are on its answers, errors included, with HSTS only over https', async () => {
    for (const path of ['/api/health', '/api/tasks', '/api/nope']) {
      const response = await call(path);
      expect(response.headers.get('content-security-policy'), path).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('strict-transport-security'), path).toBeNull();
    }
    const secure = await call('https://hq.example/api/health');
    expect(secure.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
  });

  it('gives the sign-in error page its own narrower policy (inline styles, no script)', async () => {
    const response = await call('/auth/oidc/callback?state=x&code=y', {
      headers: { accept: 'text/html' },
    });
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    );
  });
});
