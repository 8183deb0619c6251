import { jsonEventParser, list, num, obj, reasonFromText, str, Tally } from './stream';
import type {
  AgentExecutorConfig,
  Invocation,
  McpServerConfig,
  Preset,
  StreamEvent,
} from './types';

// OpenAI Codex CLI, non-interactive (`codex exec`).
// Sources, read for this preset (github.com/openai/codex):
// - docs/exec.md: `--json` streams JSONL events `thread.started`, `turn.started`,
//   `turn.completed` (with `usage`), `turn.failed`, `item.started|updated|completed`; exec
//   never asks for approvals; a sample stream (copied by the stand-in).
// - codex-rs/exec/src/cli.rs: `--json` (alias `--experimental-json`); the prompt is read
//   from standard input when it is `-`; `--full-auto` is now a hidden legacy flag that warns
//   "use `--sandbox workspace-write` instead" (docs/exec.md still shows `--full-auto`: the
//   docs lag the source, so the source wins); `-m/--model` and `-s/--sandbox` are shared.
// - codex-rs/exec/src/exec_events.rs and sdk/typescript/src/events.ts: `Usage` is
//   {input_tokens, cached_input_tokens, output_tokens} per turn (OpenAI counts cached input
//   inside input_tokens); `turn.failed` carries {error: {message}}; `error` {message} is a
//   stream error. No money anywhere: cost is priced later from tokens.
// - docs/config.md: `-c key=value` takes TOML; `mcp_servers.<id>` with `command`, `args`,
//   `env_vars` (names passed on from codex's own environment) or `url` with
//   `env_http_headers` (header = name of a variable holding its value); shell commands lose
//   variables whose names contain KEY, SECRET or TOKEN, and `shell_environment_policy.exclude`
//   drops more. `instructions` is ignored and `experimental_instructions_file` replaces the
//   built-in prompt, so the identity leads the prompt instead.
// - Rate limits as codex prints them: `{"type":"error","message":"You've hit your usage
//   limit..."}` then `turn.failed`, or "exceeded retry limit, last status: 429 Too Many
//   Requests" (seen in public wrappers of codex exec; not in codex's docs).

const toml = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value); // JSON escapes are TOML's
  if (Array.isArray(value)) return `[${value.map(toml).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  const key = (name: string) => (/^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name));
  return `{${entries.map(([name, inner]) => `${key(name)} = ${toml(inner)}`).join(', ')}}`;
};

const envName = (...parts: string[]) =>
  ['HQ_MCP', ...parts]
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_');

// Codex passes MCP env on by name from its own environment: these would change codex itself.
const RESERVED = new Set(['PATH', 'HOME', 'LANG', 'TMPDIR', 'CODEX_HOME']);

/** The servers as one `mcp_servers` table (secrets by variable name) and the variables. */
function mcpOverride(servers: [string, McpServerConfig][]) {
  const env: Record<string, string> = {};
  const pass = (name: string, value: string, server: string) => {
    if (RESERVED.has(name) || (name in env && env[name] !== value))
      throw new Error(
        `codex passes MCP env by name: ${server} cannot set ${name} (reserved or set differently by another server)`,
      );
    env[name] = value;
    return name;
  };
  const table = Object.fromEntries(
    servers.map(([name, server]) => {
      if (server.url) {
        const headers = Object.entries(server.headers ?? {}).map(([header, value]) => [
          header,
          pass(envName(name, header), value, name),
        ]);
        return [
          name,
          {
            url: server.url,
            ...(headers.length ? { env_http_headers: Object.fromEntries(headers) } : {}),
          },
        ];
      }
      const names = Object.entries(server.env ?? {}).map(([key, value]) => pass(key, value, name));
      return [
        name,
        {
          command: server.command,
          args: server.args ?? [],
          ...(names.length ? { env_vars: names } : {}),
        },
      ];
    }),
  );
  return { table, env };
}

function invocation(config: AgentExecutorConfig, prompt: string): Invocation {
  const servers = Object.entries(config.mcpServers);
  const mcp = servers.length ? mcpOverride(servers) : undefined;
  const secretNames = Object.keys(mcp?.env ?? {});
  return {
    argv: [
      'codex',
      'exec',
      '--json',
      '--sandbox',
      'workspace-write',
      ...(config.model ? ['--model', config.model] : []),
      // The whole table: the agent's servers replace the user's for this run.
      ...(mcp ? ['-c', `mcp_servers=${toml(mcp.table)}`] : []),
      // The agent's shell never sees the MCP secrets, whatever they are called.
      ...(secretNames.length
        ? ['-c', `shell_environment_policy.exclude=${toml(secretNames)}`]
        : []),
      ...(config.options.extraArgs ?? []),
      '-',
    ],
    stdin: config.identity ? `${config.identity}\n\n${prompt}` : prompt,
    files: [],
    env: mcp?.env ?? {},
    notes: [
      ...(config.options.maxTurns ? ['codex exec has no turn limit; maxTurns is not applied'] : []),
      ...(config.tools.length ? ['codex has no allowed-tools option; tools are not applied'] : []),
    ],
  };
}

function describeItem(item: Record<string, unknown>): ['text' | 'tool', string] | undefined {
  switch (item.type) {
    case 'agent_message':
      return ['text', str(item.text) ?? ''];
    case 'command_execution':
      return ['tool', `$ ${str(item.command) ?? ''}`];
    case 'file_change':
      return [
        'tool',
        `edit ${list(item.changes)
          .map((change) => str(obj(change)?.path))
          .join(', ')}`,
      ];
    case 'mcp_tool_call':
      return ['tool', `${str(item.server)}.${str(item.tool)}`];
    case 'web_search':
      return ['tool', `search ${str(item.query) ?? ''}`];
    case 'error':
      return ['text', str(item.message) ?? ''];
    default:
      return undefined;
  }
}

function createParser() {
  const tally = new Tally();
  let turnsCompleted = 0;
  // A stream error is fatal only when no turn completes after it (codex retries some).
  let pendingError: string | undefined;

  return jsonEventParser(
    (event, type): StreamEvent[] => {
      if (type === 'turn.completed') {
        const usage = obj(event.usage) ?? {};
        turnsCompleted++;
        pendingError = undefined;
        tally.addTokens(
          num(usage.input_tokens) ?? 0,
          num(usage.output_tokens) ?? 0,
          num(usage.cached_input_tokens) ?? 0,
        );
        return [tally.usage()];
      }
      if (type === 'turn.failed') {
        const message = str(obj(event.error)?.message) ?? pendingError ?? 'turn failed';
        return [tally.fail(reasonFromText(message), message), { kind: 'result', ok: false }];
      }
      if (type === 'error') {
        pendingError = str(event.message) ?? 'codex stream error';
        return tally.note('text', pendingError);
      }
      // Commands and tools when they start, messages and edits once they are whole.
      const item = obj(event.item);
      const wanted =
        item?.type === 'command_execution' || item?.type === 'mcp_tool_call'
          ? 'item.started'
          : 'item.completed';
      const described = item && type === wanted ? describeItem(item) : undefined;
      return described ? tally.note(...described) : [];
    },
    () => {
      if (pendingError && !tally.failure) tally.fail(reasonFromText(pendingError), pendingError);
      return tally.summary(turnsCompleted > 0, 'codex ended without a completed turn');
    },
  );
}

export const codex: Preset = {
  name: 'codex',
  binary: 'codex',
  versionArgs: ['--version'],
  credentialEnv: ['CODEX_API_KEY', 'OPENAI_API_KEY'],
  invocation,
  createParser,
};
