import type { agents } from '../../drizzle/schema';
import type { ExecutorConfig } from '../agents/catalog';
import type { McpServersConfig } from '../agents/fields';
import { DomainError } from '../errors';
import { unseal } from '../secrets/seal';

/**
 * The agent as a run needs it: identity, model, tools, executor, and its MCP servers with the
 * secrets unsealed. It goes only into the claim answer to the runner that authenticated for
 * it (which writes them to the run's own files and deletes them after): never into a log,
 * the audit log or a revision.
 */
export interface RunAgent {
  slug: string;
  name: string;
  identity: string;
  model: string;
  provider: string;
  tools: string[];
  executor: ExecutorConfig | null;
  mcpServers: McpServersConfig;
}

/**
 * The agent for a run, or why it cannot run: a sealed value that no longer opens (its key is
 * gone) fails that one task with the reason instead of failing every claim. A missing
 * ENCRYPTION_KEY is HQ's problem, not the task's: it still throws (503).
 */
export async function runAgent(
  env: Env,
  row: typeof agents.$inferSelect,
): Promise<{ agent: RunAgent } | { problem: string }> {
  let mcpServers: McpServersConfig = {};
  if (row.mcpServersSealed) {
    try {
      mcpServers = await unseal<McpServersConfig>(env, row.mcpServersSealed);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      // The error names the failure (format, authentication), never the value.
      const why = error instanceof Error ? error.message : String(error);
      return {
        problem: `The MCP servers of agent ${row.slug} cannot be decrypted (${why}); an admin must enter them again.`,
      };
    }
  }
  return { agent: runAgentWith(row, mcpServers) };
}

/** The agent for a run, with its MCP servers already opened (`runAgent`, claim-ahead.ts). */
export function runAgentWith(
  row: typeof agents.$inferSelect,
  mcpServers: McpServersConfig,
): RunAgent {
  return {
    slug: row.slug,
    name: row.name,
    identity: row.identity,
    model: row.model,
    provider: row.provider,
    tools: row.tools,
    executor: (row.executor as ExecutorConfig | null) ?? null,
    mcpServers,
  };
}
