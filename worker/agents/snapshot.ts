import type { agents } from '../../drizzle/schema';
import { REDACTED, redact } from '../audit/redact';
import type { ExecutorConfig } from './catalog';
import type { Change } from './diff';
import type { McpServersConfig, TrackedField } from './fields';

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

/** MCP env values and headers are secrets by position, whatever their key is called. */
const SECRET_SECTIONS = new Set(['env', 'headers']);

/** The config as revisions and the audit log may hold it: every secret replaced by `[REDACTED]`. */
export function redactConfig<T extends Partial<AgentConfig>>(config: T): T {
  if (!config.mcpServers) return redact(config);
  const servers = Object.fromEntries(
    Object.entries(config.mcpServers).map(([name, server]) => [
      name,
      {
        ...server,
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
  if (change.field === 'mcpServers' && SECRET_SECTIONS.has(String(change.path[1]))) return true;
  return change.path.some((segment) => SECRET_KEY.test(String(segment)));
}

/** The diff with secret values hidden; that a secret changed (and where) stays visible. */
export function redactDiff(changes: Change[]): Change[] {
  return changes.map((change) => {
    if (isSecretPath(change)) {
      return {
        ...change,
        ...('old' in change ? { old: REDACTED } : {}),
        ...('new' in change ? { new: REDACTED } : {}),
      };
    }
    if (change.field === 'mcpServers') {
      const hide = (value: unknown) =>
        value && typeof value === 'object' ? redactServerFragment(change.path, value) : value;
      return {
        ...change,
        ...('old' in change ? { old: hide(change.old) } : {}),
        ...('new' in change ? { new: hide(change.new) } : {}),
      };
    }
    return change;
  });
}

/** A whole server or a whole env/headers block added or removed at once. */
function redactServerFragment(path: (string | number)[], value: object): unknown {
  if (path.length === 0) return redactConfig({ mcpServers: value as McpServersConfig }).mcpServers;
  if (path.length === 1) {
    return redactConfig({ mcpServers: { x: value } as McpServersConfig }).mcpServers.x;
  }
  return SECRET_SECTIONS.has(String(path[1]))
    ? redactValues(value as Record<string, string>)
    : redact(value);
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
      return [name, { ...server, ...keep('env'), ...keep('headers') }];
    }),
  );
}
