import { and, eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { agentRevisions, agents } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import { DomainError } from '../errors';
import { agentArchivedInsert, agentRevisedInsert } from '../events/outbox';
import { seal } from '../secrets/seal';
import type { ExecutorConfig } from './catalog';
import { type Change, diffConfigs } from './diff';
import { type AgentPatch, type McpServersConfig, TRACKED_FIELDS } from './fields';
import { assertNoDanglingPlaceholders } from './placeholders';
import { type AgentConfig, mergeSecrets, redactConfig, redactDiff } from './snapshot';
import { markUnreadable, openMcpServers } from './unreadable';

export type AgentRow = typeof agents.$inferSelect;

/**
 * What every reader sees of an agent: the live config with secrets redacted, and the secrets
 * no key opens (those read as `[UNREADABLE]`).
 */
export function agentView(row: AgentRow, config: AgentConfig, unreadableSecrets: string[] = []) {
  const redacted = redactConfig(config);
  return {
    id: row.id,
    slug: row.slug,
    ...redacted,
    mcpServers: markUnreadable(redacted.mcpServers, unreadableSecrets),
    unreadableSecrets,
    reportsTo: row.reportsTo,
    monthlyBudgetUsd: row.monthlyBudgetUsd,
    monthlyBudgetTokens: row.monthlyBudgetTokens,
    revision: row.revision,
    archivedAt: row.archivedAt ? new Date(row.archivedAt).toISOString() : null,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
export type AgentView = ReturnType<typeof agentView>;

/**
 * The tracked config of a row, with the MCP servers decrypted; when no key opens them, their
 * recorded shape, with `unreadableSecrets` naming what was lost.
 */
export async function agentConfig(
  env: Env,
  row: AgentRow,
): Promise<{ config: AgentConfig; unreadableSecrets: string[] }> {
  const { servers: mcpServers, unreadable } = await openMcpServers(env, row);
  const config: AgentConfig = {
    name: row.name,
    type: row.type,
    role: row.role,
    identity: row.identity,
    model: row.model,
    provider: row.provider,
    tools: row.tools,
    mcpServers,
    schedule: row.schedule,
    workerEnabled: row.workerEnabled,
    // Stored only after the Executor schema (fields.ts) accepted it.
    executor: (row.executor as ExecutorConfig | null) ?? null,
  };
  return { config, unreadableSecrets: unreadable };
}

/** Revision 0: the config an agent was created with, as every later diff's starting point. */
export function creationRevision(
  agentId: string,
  actor: string,
  config: AgentConfig,
  createdAt: number,
  reason = 'created',
) {
  return {
    agentId,
    number: 0,
    actor,
    reason,
    before: null,
    after: redactConfig(config),
    diff: redactDiff(diffConfigs(null, config, TRACKED_FIELDS), null, config),
    createdAt,
  };
}

/** The domain event of a new revision: which fields changed, not their values. */
export function revisedEvent(
  agentId: string,
  slug: string,
  revision: number,
  changes: Change[],
  actor: string,
) {
  return { agentId, slug, revision, fields: [...new Set(changes.map((c) => c.field))], actor };
}

/** MCP servers are stored sealed only when there is something to seal. */
export async function sealServers(env: Env, servers: McpServersConfig): Promise<string | null> {
  return Object.keys(servers).length ? seal(env, servers) : null;
}

export interface ChangeRequest {
  agentId: string;
  actor: string;
  requestId: string;
  reason?: string | undefined;
  patch: AgentPatch;
  action: 'agent.update' | 'agent.rollback' | 'agent.archive';
  archive?: boolean;
}

export interface ChangeResult {
  revision: number | null;
  changes: Change[];
  agent: AgentView;
}

/**
 * Applies one change to an agent: merge, diff, and (when a tracked field changed) revision
 * N+1, the row update and the audit entry in one D1 batch. Callers serialise per agent
 * (AgentDO); the (agent, number) primary key refuses a collision if anything slips through.
 */
export async function applyChange(env: Env, request: ChangeRequest): Promise<ChangeResult> {
  const db = database(env);
  const row = await db.select().from(agents).where(eq(agents.id, request.agentId)).get();
  if (!row) throw new DomainError('not_found', 'No such agent.');
  if (row.archivedAt) throw new DomainError('conflict', `Agent ${row.slug} is archived.`);
  const { config: before, unreadableSecrets } = await agentConfig(env, row);
  const {
    reason: _reason,
    reportsTo,
    monthlyBudgetUsd,
    monthlyBudgetTokens,
    ...tracked
  } = request.patch;
  const after: AgentConfig = { ...before, ...definedOnly(tracked) };
  if (tracked.mcpServers) {
    after.mcpServers = mergeSecrets(tracked.mcpServers, before.mcpServers);
    assertNoDanglingPlaceholders(after.mcpServers, row.slug);
  }
  // Servers no key opens are kept sealed as they are (an old key may still turn up) until new
  // ones are sent: their recorded shape holds placeholders, not secrets, and is never sealed.
  const stillUnreadable = tracked.mcpServers ? [] : unreadableSecrets;
  const changes = diffConfigs(before, after, TRACKED_FIELDS);
  const untracked = {
    ...(reportsTo !== undefined && reportsTo !== row.reportsTo ? { reportsTo } : {}),
    ...(monthlyBudgetUsd !== undefined && monthlyBudgetUsd !== row.monthlyBudgetUsd
      ? { monthlyBudgetUsd }
      : {}),
    ...(monthlyBudgetTokens !== undefined && monthlyBudgetTokens !== row.monthlyBudgetTokens
      ? { monthlyBudgetTokens }
      : {}),
  };
  const archiving = request.archive === true;
  // Servers sent over unreadable ones are sealed anew even when they match the recorded shape.
  const replacesUnreadable = unreadableSecrets.length > 0 && !stillUnreadable.length;
  if (!changes.length && !Object.keys(untracked).length && !archiving && !replacesUnreadable) {
    return { revision: null, changes: [], agent: agentView(row, before, unreadableSecrets) };
  }
  const now = Date.now();
  const number = changes.length ? row.revision + 1 : row.revision;
  const update = {
    ...after,
    mcpServersSealed: stillUnreadable.length
      ? row.mcpServersSealed
      : await sealServers(env, after.mcpServers),
    ...untracked,
    revision: number,
    updatedAt: now,
    ...(archiving ? { archivedAt: now } : {}),
  };
  const { mcpServers: _plain, ...columns } = update;
  const redactedDiff = redactDiff(changes, before, after);
  const writes: [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]] = [
    db
      .update(agents)
      .set(columns)
      .where(and(eq(agents.id, row.id), eq(agents.revision, row.revision))),
    auditRow(db, {
      actor: request.actor,
      requestId: request.requestId,
      action: request.action,
      entityType: 'agent',
      entityId: row.slug,
      summary: {
        revision: changes.length ? number : null,
        reason: request.reason ?? null,
        diff: redactedDiff,
        ...untracked,
      },
    }),
    ...(archiving
      ? [agentArchivedInsert(db, { agentId: row.id, slug: row.slug, actor: request.actor }, now)]
      : []),
  ];
  if (changes.length) {
    await db.batch([
      ...writes,
      db.insert(agentRevisions).values({
        agentId: row.id,
        number,
        actor: request.actor,
        reason: request.reason ?? null,
        before: redactConfig(before),
        after: redactConfig(after),
        diff: redactedDiff,
        createdAt: now,
      }),
      agentRevisedInsert(db, revisedEvent(row.id, row.slug, number, changes, request.actor), now),
    ]);
  } else {
    await db.batch(writes);
  }
  const updated = { ...row, ...columns };
  return {
    revision: changes.length ? number : null,
    changes: redactedDiff,
    agent: agentView(updated, after, stillUnreadable),
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
