import { describe, expect, it } from 'vitest';
import { call, signInAs } from '../support/client';
import { fillPath, operations } from './support';

const RANK: Record<string, number> = { viewer: 1, operator: 2, admin: 3 };
type Caller = 'anonymous' | 'viewer' | 'operator';

/** What a caller must get from a route: `allowed` means neither 401 nor 403. */
function expected(minRole: string, caller: Caller): 401 | 403 | 'allowed' {
  if (minRole === 'public') return 'allowed';
  if (minRole === 'runner' || minRole === 'telegram') return 401; // a session cookie is not their credential
  if (caller === 'anonymous') return 401;
  const rank = RANK[caller] ?? 0;
  return rank >= (RANK[minRole] ?? 9) ? 'allowed' : 403;
}

describe('every route in the OpenAPI document gives each caller exactly what its role allows', () => {
  it('anonymous, viewer and operator callers, route by route', async () => {
    const cookies: Record<Caller, string | undefined> = {
      anonymous: undefined,
      viewer: await signInAs('viewer@test.hq'),
      operator: await signInAs('operator@test.hq'),
    };
    // Signing out or in would change the callers themselves; both are public and tested elsewhere.
    const ops = (await operations()).filter(
      (op) => op.path !== '/auth/logout' && op.path !== '/auth/dev/login',
    );
    expect(ops.length).toBeGreaterThan(50);
    const wrong: string[] = [];
    for (const op of ops) {
      for (const caller of Object.keys(cookies) as Caller[]) {
        const response = await call(
          fillPath(op.path, () => 'probe-id'),
          {
            method: op.method,
            cookie: cookies[caller],
            ...(op.hasJsonBody ? { json: {} } : {}),
          },
        );
        const want = expected(op.minRole, caller);
        const ok =
          want === 'allowed'
            ? response.status !== 401 && response.status !== 403
            : response.status === want;
        if (!ok)
          wrong.push(
            `${caller} ${op.method} ${op.path} (min ${op.minRole}): got ${response.status}, want ${want}`,
          );
        await response.body?.cancel();
      }
    }
    expect(wrong).toEqual([]);
  });
});
