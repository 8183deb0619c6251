import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

const DOMAIN_TABLES = [
  'users',
  'role_grants',
  'sessions',
  'oauth_states',
  'agents',
  'agent_revisions',
  'missions',
  'tasks',
  'task_events',
  'audit_log',
  'notifications',
  'conversations',
  'conversation_messages',
  'memory_items',
  'spend_ledger',
  'runners',
  'settings',
];

describe('D1 migrations from drizzle/', () => {
  it('create every table of the domain', async () => {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table'",
    ).all<{ name: string }>();
    const names = results.map((r) => r.name);
    for (const table of DOMAIN_TABLES) expect(names).toContain(table);
  });
});
