import { describe, expect, it } from 'vitest';
import type { Claim } from '../../runner/api';
import { claimSecrets, scrubSecrets, taskPrompt } from '../../runner/env';

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
  it('blanks the agent’s MCP secrets out of log tails and errors', () => {
    const secrets = claimSecrets(claim);
    expect(secrets).toEqual(['ghp_secret_123456', 'Bearer hdr-secret-9']);
    expect(
      scrubSecrets('mcp github failed: token ghp_secret_123456 (Bearer hdr-secret-9) dbg', secrets),
    ).toBe('mcp github failed: token [REDACTED] ([REDACTED]) dbg');
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
