import { describe, expect, it } from 'vitest';
import committed from '../../worker/openapi/openapi.json';
import { call } from './support/client';

// The committed document is what typed clients are generated from: it must be the one HQ
// serves. When this fails after a route change, run `npm run api:generate` and commit.
describe('the committed OpenAPI document', () => {
  it('is the document HQ serves at /api/openapi.json', async () => {
    const response = await call('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(await response.json(), 'stale: run `npm run api:generate`').toEqual(committed);
  });
});
