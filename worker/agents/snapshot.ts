import type { agents } from '../../drizzle/schema';
import { REDACTED, redact } from '../audit/redact';
import type { ExecutorConfig } from './catalog';
import type { Change } from './diff';
import type { McpServersConfig, TrackedField } from './fields';
import { redactArgs, redactUrl, restoreRedacted } from './mcp-secrets';

/** The tracked part of an agent's config, with real values (secrets included). */
export type AgentConfig = {
  name: string;
  type: (typeof agents.$inferSelect)['type'];
  role: string;
  identity: string;
  model: string;
  provider: string;
  tools: string[];
  mcpServers: McpServersConfig;
  schedule: string | null;
  workerEnabled: boolean;
  /** Null: the runner's own default executor. */
  executor: ExecutorConfig | null;
};

// Compile-time check that AgentConfig covers exactly the tracked fields.
type _Covers = [TrackedField] extends [keyof AgentConfig]
  ? [keyof AgentConfig] extends [TrackedField]
    ? true
    : never
  : never;
export const configCoversTrackedFields: _Covers = true;

/**
 * The config as revisions and the audit log may hold it: every secret replaced by `[REDACTED]`.
 * MCP env values and headers are secrets by position, whatever their key is called; in its
 * args and url, what looks like one is hidden (mcp-secrets.ts).
 */
export function redactConfig<T extends Partial<AgentConfig>>(config: T): T {
  if (!config.mcpServers) return redact(config);
  const servers = Object.fromEntries(
    Object.entries(config.mcpServers).map(([name, server]) => [
      name,
      {
        ...server,
        ...(server.args ? { args: redactArgs(server.args) } : {}),
        ...(server.url ? { url: redactUrl(server.url) } : {}),
        ...(server.env ? { env: redactValues(server.env) } : {}),
        ...(server.headers ? { headers: redactValues(server.headers) } : {}),
      },
    ]),
  );
  return redact({ ...config, mcpServers: servers });
}

const redactValues = (record: Record<string, string>) =>
  Object.fromEntries(Object.keys(record).map((key) => [key, REDACTED]));

const SECRET_KEY = /key|token|secret|passw|authorization|cookie|credential/i;

function isSecretPath(change: Change): boolean {
  return change.path.some((segment) => SECRET_KEY.test(String(segment)));
}

/**
 * The diff with secret values hidden; that a secret changed (and where) stays visible. A
 * change inside an MCP server shows what readers see of the two configs at that place, so a
 * token in an argument or a URL is hidden with the context that marks it (the flag before it).
 */
export function redactDiff(
  changes: Change[],
  before: Pick<AgentConfig, 'mcpServers'> | null,
  after: Pick<AgentConfig, 'mcpServers'>,
): Change[] {
  const seen = {
    old: redactConfig({ mcpServers: before?.mcpServers ?? {} }).mcpServers,
    new: redactConfig({ mcpServers: after.mcpServers }).mcpServers,
  };
  return changes.map((change) => {
    if (change.field === 'mcpServers') {
      const { lines: _lines, ...rest } = change;
      return {
        ...rest,
        ...('old' in change ? { old: at(seen.old, change.path) } : {}),
        ...('new' in change ? { new: at(seen.new, change.path) } : {}),
      };
    }
    if (!isSecretPath(change)) return change;
    return {
      ...change,
      ...('old' in change ? { old: REDACTED } : {}),
      ...('new' in change ? { new: REDACTED } : {}),
    };
  });
}

function at(value: unknown, path: (string | number)[]): unknown {
  let here = value;
  for (const segment of path) {
    if (here === null || typeof here !== 'object') return REDACTED;
    here = (here as Record<string | number, unknown>)[segment];
  }
  return here === undefined ? REDACTED : here;
}

/**
 * Merges an incoming mcpServers value with the live one: a value sent back as `[REDACTED]`
 * (what every reader sees) means "keep the secret I have", so editing a server's command
 * does not wipe its token.
 */
export function mergeSecrets(incoming: McpServersConfig, live: McpServersConfig): McpServersConfig {
  return Object.fromEntries(
    Object.entries(incoming).map(([name, server]) => {
      const current = live[name];
      const keep = (section: 'env' | 'headers') => {
        const values = server[section];
        if (!values) return {};
        const merged = Object.fromEntries(
          Object.entries(values).map(([k, v]) => [
            k,
            v === REDACTED ? (current?.[section]?.[k] ?? v) : v,
          ]),
        );
        return { [section]: merged };
      };
      const args =
        server.args && current?.args
          ? { args: restoreRedacted(server.args, current.args, redactArgs(current.args)) }
          : {};
      const url =
        server.url && current?.url
          ? { url: restoreRedacted([server.url], [current.url], [redactUrl(current.url)])[0] }
          : {};
      return [name, { ...server, ...args, ...url, ...keep('env'), ...keep('headers') }];
    }),
  );
}
