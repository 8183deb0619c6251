import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs, flag, json } from './columns';

export const AGENT_TYPES = ['LEAD', 'WORKER', 'REVIEWER'] as const;

/** An agent's executor as stored (worker/agents/catalog.ts `ExecutorConfig` is its checked form). */
export interface StoredExecutor {
  preset: string;
  maxTurns?: number;
  extraArgs?: string[];
  command?: string;
}

/** The roster. `mcpServersSealed` is the live MCP config, encrypted at rest (it holds secrets). */
export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    type: text('type', { enum: AGENT_TYPES }).notNull(),
    role: text('role').notNull(),
    identity: text('identity').notNull().default(''),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    tools: json<string[]>('tools').notNull().default([]),
    mcpServersSealed: text('mcp_servers_sealed'),
    schedule: text('schedule'),
    workerEnabled: flag('worker_enabled').notNull().default(true),
    /** Null: the runner's own default executor (its `--executor`). */
    executor: json<StoredExecutor>('executor'),
    reportsTo: text('reports_to'),
    monthlyBudgetUsd: real('monthly_budget_usd'),
    /** Tokens in and out per calendar month (UTC): for plans that bill no money per call. */
    monthlyBudgetTokens: integer('monthly_budget_tokens'),
    revision: integer('revision').notNull().default(0),
    /** Consecutive failed tasks; 3 in a row put the agent in cooldown. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    cooldownUntil: epochMs('cooldown_until'),
    archivedAt: epochMs('archived_at'),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [index('agents_archived_idx').on(t.archivedAt)],
);

/** The permanent record: one numbered, attributable revision per tracked change. */
export const agentRevisions = sqliteTable(
  'agent_revisions',
  {
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    number: integer('number').notNull(),
    actor: text('actor').notNull(),
    reason: text('reason'),
    before: json<Record<string, unknown>>('before'),
    after: json<Record<string, unknown>>('after').notNull(),
    diff: json<unknown[]>('diff').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.number] })],
);
