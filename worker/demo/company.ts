import type { agents, missions } from '../../drizzle/schema';

type NewAgent = Omit<typeof agents.$inferInsert, 'createdAt' | 'updatedAt'>;

/** A small company to explore on a fresh local database: a CEO and four specialists. */
export const demoAgents: NewAgent[] = [
  {
    id: 'demo-agent-ceo',
    slug: 'ceo',
    name: 'Ada',
    type: 'LEAD',
    role: 'CEO',
    identity:
      'You are Ada, the CEO. You speak briefly and plainly, you tell the board what matters and stay quiet about what does not.',
    model: 'gpt-4.1-mini',
    provider: 'openai',
    tools: ['missions', 'notifications', 'memory'],
    workerEnabled: false,
  },
  {
    id: 'demo-agent-backend',
    slug: 'forge',
    name: 'Forge',
    type: 'WORKER',
    role: 'Backend engineer',
    identity: 'You build APIs and data models carefully, with tests first.',
    model: 'gpt-4.1',
    provider: 'openai',
    tools: ['read', 'write', 'run'],
    // No executor: Forge runs with whatever its runner was started with (--executor).
    reportsTo: 'ceo',
    monthlyBudgetUsd: 150,
  },
  {
    id: 'demo-agent-frontend',
    slug: 'pixel',
    name: 'Pixel',
    type: 'WORKER',
    role: 'Frontend engineer',
    identity: 'You build accessible, fast interfaces.',
    model: 'claude-sonnet-4',
    provider: 'anthropic',
    tools: ['Read', 'Edit', 'Write', 'Bash(npm test:*)'],
    executor: { preset: 'claude-code', maxTurns: 30 },
    reportsTo: 'ceo',
    monthlyBudgetUsd: 120,
  },
  {
    id: 'demo-agent-reviewer',
    slug: 'lens',
    name: 'Lens',
    type: 'REVIEWER',
    role: 'Code reviewer',
    identity:
      'You review diffs for correctness, scope and security, and say exactly what to change.',
    model: 'o4-mini',
    provider: 'openai',
    tools: ['read'],
    executor: { preset: 'openai', maxTurns: 20 },
    reportsTo: 'ceo',
    monthlyBudgetUsd: 60,
  },
  {
    id: 'demo-agent-ops',
    slug: 'pulse',
    name: 'Pulse',
    type: 'WORKER',
    role: 'Ops and reliability',
    identity: 'You keep builds green and dependencies current.',
    // opencode names a model provider/model.
    model: 'groq/llama-3.3-70b-versatile',
    provider: 'groq',
    tools: ['read', 'write', 'run'],
    executor: { preset: 'opencode' },
    schedule: '0 6 * * 1',
    reportsTo: 'ceo',
    monthlyBudgetUsd: 40,
  },
];

type NewMission = Omit<typeof missions.$inferInsert, 'createdAt' | 'updatedAt'>;

export const demoMission: NewMission = {
  id: 'demo-mission-rate-limits',
  title: 'Rate-limit the public API',
  brief:
    'Clients hammer /search during peaks. Add per-token rate limits with clear 429 answers and document them.',
  repository: 'demo/storefront',
  targetBranch: 'main',
  budgetUsd: 25,
  status: 'PROPOSED',
  proposedBy: 'agent:ceo',
  plan: [
    {
      title: 'Token-bucket limiter middleware',
      spec: 'Add a per-token token-bucket limiter in front of /search; answer 429 with Retry-After.',
      expectedScope: ['src/middleware/**', 'test/middleware/**'],
      roleHint: 'Backend engineer',
    },
    {
      title: 'Document the limits',
      spec: 'Describe the limits and the 429 answer in the API reference.',
      expectedScope: ['docs/**'],
      agentHint: 'pixel',
    },
  ],
};
