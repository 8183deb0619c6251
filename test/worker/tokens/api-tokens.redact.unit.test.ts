import { describe, expect, it } from 'vitest';
import { redactArgs } from '../../../worker/agents/mcp-secrets';
import { mintApiToken } from '../../../worker/auth/api-tokens/bearer';

describe('an API token is recognisable on its own, so redaction hides it wherever it appears', () => {
  it('hides an hq_api_ token (and a runner token) passed positionally to an MCP server', () => {
    const token = mintApiToken();
    expect(token).toMatch(/^hq_api_[\w-]{43}$/);
    expect(redactArgs(['serve', token, '--runner', 'hqr_0123456789abcdefghij'])).toEqual([
      'serve',
      '[REDACTED]',
      '--runner',
      '[REDACTED]',
    ]);
  });
});
