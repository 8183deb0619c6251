import { z } from '@hono/zod-openapi';
import { AGENT_TYPES } from '../../drizzle/schema';
import { Executor, McpServers } from './fields';

export const SlugParam = z.object({ slug: z.string().min(1).max(60) });

export const Agent = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    type: z.enum(AGENT_TYPES),
    role: z.string(),
    identity: z.string(),
    model: z.string(),
    provider: z.string(),
    tools: z.array(z.string()),
    mcpServers: McpServers.describe(
      'Secrets (env values, headers) always read as [REDACTED]; one that no key opens reads as [UNREADABLE].',
    ),
    unreadableSecrets: z
      .array(z.string())
      .describe(
        'Stored secrets no key opens (ENCRYPTION_KEY, ENCRYPTION_KEY_PREVIOUS), as paths like `mcpServers.github.env.TOKEN`; empty when all open. Send new values over them.',
      ),
    schedule: z.string().nullable(),
    workerEnabled: z.boolean(),
    executor: z.union([Executor, z.null()]),
    reportsTo: z.string().nullable(),
    monthlyBudgetUsd: z.number().nullable(),
    monthlyBudgetTokens: z
      .number()
      .int()
      .nullable()
      .describe('Tokens in and out per month (UTC); null: no token budget.'),
    revision: z.number().int(),
    archivedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    spentThisMonthUsd: z.number().describe('Known money only: runs of unknown cost are not in it.'),
    tokensThisMonth: z.number().int().describe('Tokens in and out this month, where reported.'),
    unknownCostThisMonth: z
      .number()
      .int()
      .describe('Spend entries this month whose cost nobody knows (tokens only, no price).'),
  })
  .openapi('Agent');

export const ChangeEntry = z
  .object({
    field: z.string(),
    kind: z.enum(['set', 'changed', 'added', 'removed']),
    path: z.array(z.union([z.string(), z.number()])),
    old: z.unknown().optional(),
    new: z.unknown().optional(),
    lines: z.array(z.string()).optional(),
  })
  .openapi('Change');

export const RevisionSummary = z
  .object({
    number: z.number().int(),
    actor: z.string(),
    reason: z.string().nullable(),
    createdAt: z.string(),
    diff: z.array(ChangeEntry),
  })
  .openapi('RevisionSummary');

export const Revision = RevisionSummary.extend({
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()),
}).openapi('Revision');

export const ChangeResponse = z.object({
  agent: Agent,
  revision: z
    .number()
    .int()
    .nullable()
    .describe('The new revision, or null when nothing tracked changed.'),
  changes: z.array(ChangeEntry),
});
