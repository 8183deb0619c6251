import { describe, expect, it } from 'vitest';
import { call } from './support/client';

describe('GET /api/health', () => {
  it('reports ok with no problems when configured', async () => {
    const response = await call('/api/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: true,
      problems: [],
      checks: {
        secrets: { status: 'ok', message: 'Every sealed value opens with ENCRYPTION_KEY.' },
      },
    });
  });
});
