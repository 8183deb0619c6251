import { describe, expect, it } from 'vitest';
import type { Claim } from '../../runner/api';
import { taskPrompt } from '../../runner/env';
import { Masker, mcpSecretValues, runSecrets } from '../../runner/logs/mask';

const claim: Claim = {
  timeoutSeconds: 300,
  task: {
    id: 'task-1',
    title: 'Add the limiter',
    spec: 'Answer 429 with Retry-After.',
    expectedScope: ['src/**', 'test/**'],
    branch: 'hq/task-1',
    baseBranch: 'main',
    reviewComments: 'Cover the burst case.',
    runs: 1,
    headCommit: null,
    headPushed: false,
  },
  mission: {
    id: 'm-1',
    title: 'Rate limits',
    brief: 'Clients hammer /search.',
    repository: 'acme/app',
    targetBranch: 'main',
  },
  agent: {
    slug: 'mira',
    name: 'Mira',
    model: 'm',
    provider: 'anthropic',
    identity: 'You are Mira.',
    tools: [],
    executor: { preset: 'claude-code' },
    mcpServers: {
      github: { command: 'github-mcp', env: { GITHUB_TOKEN: 'ghp_secret_123456', LEVEL: 'dbg' } },
      docs: { url: 'https://mcp.example.com', headers: { Authorization: 'Bearer hdr-secret-9' } },
    },
  },
};

describe('what the runner sends HQ about a run', () => {
  it('masks the agent’s MCP secrets (env values and headers) in what it sends HQ', () => {
    const values = mcpSecretValues(claim.agent?.mcpServers);
    expect(values).toEqual(['ghp_secret_123456', 'dbg', 'Bearer hdr-secret-9']);
    // 'dbg' is too short to be a credential: masking it would riddle ordinary output.
    const masker = new Masker(runSecrets([], {}, values));
    expect(
      masker.mask('mcp github failed: token ghp_secret_123456 (Bearer hdr-secret-9) dbg'),
    ).toBe('mcp github failed: token [masked] ([masked]) dbg');
  });

  it('prompts with the mission’s brief, the spec, the scope and the review comments, not the identity', () => {
    expect(taskPrompt(claim)).toBe(
      `${[
        'Mission: Rate limits',
        'Clients hammer /search.',
        'Task: Add the limiter',
        'Answer 429 with Retry-After.',
        'Change only files matching: src/**, test/**',
        'Review comments to address: Cover the burst case.',
      ].join('\n\n')}\n`,
    );
  });
});
