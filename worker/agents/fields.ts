import { z } from '@hono/zod-openapi';
import { AGENT_TYPES } from '../../drizzle/schema';
import { cronProblem } from '../clock/cron';
import { PROVIDERS } from './catalog';
import { Executor } from './executor';

export { PROVIDERS, TRACKED_FIELDS, type TrackedField } from './catalog';
export { Executor } from './executor';

export const McpServer = z
  .strictObject({
    command: z.string().min(1).max(500).optional(),
    args: z.array(z.string().max(2000)).max(50).optional(),
    url: z.url().optional(),
    env: z.record(z.string().min(1).max(100), z.string().max(4000)).optional(),
    headers: z.record(z.string().min(1).max(100), z.string().max(4000)).optional(),
  })
  .refine((s) => Boolean(s.command) !== Boolean(s.url), 'needs exactly one of command or url')
  .openapi('McpServer');

export const McpServers = z.record(z.string().regex(/^[\w.-]{1,60}$/), McpServer);
export type McpServersConfig = z.infer<typeof McpServers>;

const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/, 'lowercase letters, digits and dashes, 2-40 long');

const Schedule = z
  .string()
  .max(100)
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a cron expression: ${problem}` });
  })
  .nullable();

/** Every editable field with its rules; create requires some, PATCH makes all optional. */
export const editableFields = {
  name: z.string().trim().min(1).max(80),
  type: z.enum(AGENT_TYPES),
  role: z.string().trim().min(1).max(80),
  identity: z.string().max(20_000),
  model: z.string().trim().min(1).max(120),
  provider: z.enum(PROVIDERS),
  tools: z.array(z.string().trim().min(1).max(60)).max(100),
  mcpServers: McpServers,
  schedule: Schedule,
  workerEnabled: z.boolean(),
  executor: z.union([Executor, z.null()]),
  reportsTo: Slug.nullable(),
  monthlyBudgetUsd: z.number().min(0).max(1_000_000).nullable(),
  // For plans that bill no money per call (a subscription): tokens in and out per month.
  monthlyBudgetTokens: z.number().int().min(0).max(1_000_000_000_000).nullable(),
};

export const CreateAgent = z.strictObject({
  slug: Slug,
  ...editableFields,
  identity: editableFields.identity.default(''),
  tools: editableFields.tools.default([]),
  mcpServers: editableFields.mcpServers.default({}),
  schedule: editableFields.schedule.default(null),
  workerEnabled: editableFields.workerEnabled.default(true),
  executor: editableFields.executor.default(null),
  reportsTo: editableFields.reportsTo.default(null),
  monthlyBudgetUsd: editableFields.monthlyBudgetUsd.default(null),
  monthlyBudgetTokens: editableFields.monthlyBudgetTokens.default(null),
  reason: z.string().max(500).optional(),
});

export const PatchAgent = z
  .strictObject({
    ...Object.fromEntries(Object.entries(editableFields).map(([k, v]) => [k, v.optional()])),
    reason: z.string().max(500).optional(),
  } as { [K in keyof typeof editableFields]: z.ZodOptional<(typeof editableFields)[K]> } & {
    reason: z.ZodOptional<z.ZodString>;
  })
  .openapi('AgentPatch');

export type AgentPatch = z.infer<typeof PatchAgent>;
