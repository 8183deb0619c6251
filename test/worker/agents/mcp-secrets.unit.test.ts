import { describe, expect, it } from 'vitest';
import { diffConfigs } from '../../../worker/agents/diff';
import { redactArgs, redactUrl } from '../../../worker/agents/mcp-secrets';
import { mergeSecrets, redactConfig, redactDiff } from '../../../worker/agents/snapshot';

const R = '[REDACTED]';

describe('secrets inside an MCP server entry’s args and url', () => {
  it.each([
    [
      ['--header', 'Authorization: Bearer abc123'],
      ['--header', `Authorization: ${R}`],
    ],
    [
      ['--header', 'X-Api-Key: k-123'],
      ['--header', `X-Api-Key: ${R}`],
    ],
    [
      ['--token', 'abc123', '--port', '8080'],
      ['--token', R, '--port', '8080'],
    ],
    [['--api-key=abc123'], [`--api-key=${R}`]],
    [
      ['-p', 'hunter2', '--password', 'hunter2'],
      ['-p', 'hunter2', '--password', R],
    ],
    [['GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwx'], [`GITHUB_TOKEN=${R}`]],
    [
      ['run', 'ghp_abcdefghijklmnopqrstuvwxyz0123'],
      ['run', R],
    ],
    [
      ['--key', 'sk-proj-0123456789abcdefXYZ'],
      ['--key', R],
    ],
    [
      ['connect', 'Bearer abc.def'],
      ['connect', `Bearer ${R}`],
    ],
    [['https://mcp.test/sse?api_key=abc&team=x'], [`https://mcp.test/sse?api_key=${R}&team=x`]],
  ])('args %j are shown as %j', (args, shown) => {
    expect(redactArgs(args)).toEqual(shown);
  });

  it('leaves ordinary arguments and places of secrets alone', () => {
    const args = [
      '-y',
      '@modelcontextprotocol/server-github',
      '--token-file',
      '/run/token',
      '--verbose',
    ];
    expect(redactArgs(args)).toEqual(args);
  });

  it.each([
    ['https://mcp.test/sse?token=abc&region=eu', `https://mcp.test/sse?token=${R}&region=eu`],
    ['https://mcp.test/sse?access_token=a%2Fb#top', `https://mcp.test/sse?access_token=${R}#top`],
    ['https://user:pass@mcp.test/sse', `https://user:${R}@mcp.test/sse`],
    ['https://abc123@mcp.test/sse', `https://${R}@mcp.test/sse`],
    [
      'https://mcp.test/sse?sig=xyz&X-Amz-Signature=q',
      `https://mcp.test/sse?sig=${R}&X-Amz-Signature=${R}`,
    ],
    ['https://mcp.test/sse', 'https://mcp.test/sse'],
  ])('url %s is shown as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  const live = {
    api: {
      url: 'https://mcp.test/sse?token=abc',
      headers: { Authorization: 'Bearer x' },
    },
    gh: { command: 'mcp-gh', args: ['--header', 'Authorization: Bearer abc123', '--verbose'] },
  };

  it('redacts the whole config, the diff and never shows a secret value', () => {
    const shown = JSON.stringify(redactConfig({ mcpServers: live }));
    expect(shown).not.toMatch(/abc|Bearer x/);
    const after = {
      mcpServers: {
        ...live,
        gh: { command: 'mcp-gh', args: ['--header', 'Authorization: Bearer zzz999', '--verbose'] },
      },
    };
    const diff = redactDiff(
      diffConfigs({ mcpServers: live }, after, ['mcpServers']),
      { mcpServers: live },
      after,
    );
    expect(JSON.stringify(diff)).not.toMatch(/abc123|zzz999/);
    expect(diff).toContainEqual({
      field: 'mcpServers',
      kind: 'added',
      path: ['gh', 'args', 1],
      new: `Authorization: ${R}`,
    });
  });

  it('keeps the stored string when an edit sends back what readers saw', () => {
    const seen = redactConfig({ mcpServers: live }).mcpServers;
    const edited = { ...seen, gh: { ...seen.gh, args: [...(seen.gh?.args ?? []), '--debug'] } };
    const merged = mergeSecrets(edited, live);
    expect(merged.gh?.args).toEqual([
      '--header',
      'Authorization: Bearer abc123',
      '--verbose',
      '--debug',
    ]);
    expect(merged.api?.url).toBe('https://mcp.test/sse?token=abc');
  });
});
