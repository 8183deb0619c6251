import { expect } from 'vitest';
import { type CallOptions, call, signInAs } from '../support/client';

export interface CreatedToken {
  id: string;
  name: string;
  role: 'viewer' | 'operator';
  actor: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  token: string;
}

/** Creates an API token as admin through the API, as the Settings panel does. */
export async function createToken(
  name: string,
  role: 'viewer' | 'operator',
  expiresAt?: string,
): Promise<CreatedToken & { admin: string }> {
  const admin = await signInAs('admin@test.hq');
  const response = await call('/api/tokens', {
    method: 'POST',
    cookie: admin,
    json: { name, role, ...(expiresAt ? { expiresAt } : {}) },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return { ...((await response.json()) as CreatedToken), admin };
}

/** A request with the token as its bearer and no cookie: a script calling the API. */
export function withToken(token: string, path: string, options: CallOptions = {}) {
  return call(path, {
    ...options,
    headers: { ...(options.headers as Record<string, string>), authorization: `Bearer ${token}` },
  });
}
