import { and, eq } from 'drizzle-orm';
import { agentRevisions, type agents } from '../../drizzle/schema';
import { database } from '../db/client';
import { UnreadableSecretError, unseal } from '../secrets/seal';
import type { McpServersConfig } from './fields';

/** What a secret reads as when no key opens the stored value; sent back, it is refused. */
export const UNREADABLE = '[UNREADABLE]';

export interface OpenedServers {
  servers: McpServersConfig;
  /** Paths (`mcpServers.<server>.env.<KEY>`) whose stored values no key opens; empty when fine. */
  unreadable: string[];
}

type SealedRow = Pick<typeof agents.$inferSelect, 'id' | 'revision' | 'mcpServersSealed'>;

/**
 * The MCP servers of an agent, decrypted. When no key opens them, their last recorded shape
 * instead, so the roster and the agent page still answer: one lost key must not take every
 * page down. Anything else (a missing key: 503) still throws.
 */
export async function openMcpServers(env: Env, row: SealedRow): Promise<OpenedServers> {
  if (!row.mcpServersSealed) return { servers: {}, unreadable: [] };
  try {
    return { servers: await unseal<McpServersConfig>(env, row.mcpServersSealed), unreadable: [] };
  } catch (error) {
    if (!(error instanceof UnreadableSecretError)) throw error;
  }
  return recordedShape(env, row);
}

/**
 * The servers as the agent's latest revision recorded them. Every mcpServers change makes a
 * revision, so its `after` has exactly the live servers, secrets already `[REDACTED]`: names,
 * commands and URLs are right, and each secret becomes `[UNREADABLE]`.
 */
export async function recordedShape(env: Env, row: SealedRow): Promise<OpenedServers> {
  const revision = await database(env)
    .select({ after: agentRevisions.after })
    .from(agentRevisions)
    .where(and(eq(agentRevisions.agentId, row.id), eq(agentRevisions.number, row.revision)))
    .get();
  const recorded = revision?.after.mcpServers;
  if (!recorded || typeof recorded !== 'object') return { servers: {}, unreadable: ['mcpServers'] };
  const servers: McpServersConfig = {};
  const unreadable: string[] = [];
  for (const [name, server] of Object.entries(recorded as Record<string, unknown>)) {
    // A server whose name looks secret was redacted whole: only its name is left.
    if (!server || typeof server !== 'object') {
      unreadable.push(`mcpServers.${name}`);
      continue;
    }
    const shape = { ...(server as McpServersConfig[string]) };
    const paths: string[] = [];
    for (const section of ['env', 'headers'] as const) {
      const values = shape[section];
      if (!values) continue;
      shape[section] = Object.fromEntries(Object.keys(values).map((key) => [key, UNREADABLE]));
      paths.push(...Object.keys(values).map((key) => `mcpServers.${name}.${section}.${key}`));
    }
    servers[name] = shape;
    unreadable.push(...(paths.length ? paths : [`mcpServers.${name}`]));
  }
  return { servers, unreadable };
}

/** Redacted servers with each secret no key opens shown as `[UNREADABLE]` rather than `[REDACTED]`. */
export function markUnreadable(servers: McpServersConfig, unreadable: string[]): McpServersConfig {
  if (!unreadable.length) return servers;
  const marked = structuredClone(servers);
  for (const path of unreadable) {
    const [, name, section, key] = path.split('.');
    const values =
      name && key && (section === 'env' || section === 'headers')
        ? marked[name]?.[section]
        : undefined;
    if (values && key && key in values) values[key] = UNREADABLE;
  }
  return marked;
}

/** The server names an unreadable-paths list speaks of, for messages. */
export const serverNames = (unreadable: string[]) => [
  ...new Set(unreadable.map((path) => path.split('.')[1] ?? 'mcpServers')),
];
