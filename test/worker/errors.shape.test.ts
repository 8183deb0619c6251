import { describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from './support/client';

describe('one error shape everywhere', () => {
  it('answers an unknown route with 404 in the error shape, with the request id', async () => {
    const response = await call('/api/no-such-thing');
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('/api/no-such-thing');
    expect(error.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('refuses malformed JSON with 400 invalid_json', async () => {
    const response = await call('/auth/dev/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": ',
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_json');
  });

  it('names the field of a wrong type', async () => {
    const response = await call('/auth/dev/login', { method: 'POST', json: { email: 42 } });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('validation_failed');
    expect(error.fields).toEqual([expect.objectContaining({ field: 'email', in: 'body' })]);
    expect(error.message).toContain('email');
  });

  it('names a missing field', async () => {
    const response = await call('/auth/dev/login', { method: 'POST', json: {} });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields?.map((f) => f.field)).toEqual(['email']);
  });

  it('names an unknown field', async () => {
    const response = await call('/auth/dev/login', {
      method: 'POST',
      json: { email: 'admin@test.hq', role: 'admin' },
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields).toEqual([
      { field: 'role', in: 'body', message: 'unknown field' },
    ]);
  });

  it('refuses a body that is not JSON with 415, in the same shape', async () => {
    const response = await call('/auth/dev/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a@b.c',
    });
    expect(response.status).toBe(415);
    const error = await errorOf(response);
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toContain('application/json');
  });

  it('names a bad query parameter', async () => {
    const cookie = await signInAs('viewer@test.hq');
    const response = await call('/api/audit?limit=0', { cookie });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields).toEqual([
      expect.objectContaining({ field: 'limit', in: 'query' }),
    ]);
  });

  it('refuses a body over 1 MiB with 413 and writes nothing', async () => {
    const cookie = await signInAs('admin@test.hq');
    const huge = 'x'.repeat(1024 * 1024 + 10);
    const response = await call('/api/roles/someone@test.hq', {
      method: 'PUT',
      cookie,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'viewer', pad: huge }),
    });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
    const roles = await call('/api/roles', { cookie });
    const body = (await roles.json()) as { roles: { email: string }[] };
    expect(body.roles.map((r) => r.email)).not.toContain('someone@test.hq');
  });
});
