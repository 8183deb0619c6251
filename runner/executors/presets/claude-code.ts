import { join } from 'node:path';
import { jsonEventParser, list, num, obj, reasonFromText, str, Tally } from './stream';
import type { AgentExecutorConfig, Invocation, Preset, StreamEvent } from './types';

// Claude Code, headless (`claude -p`).
// Sources, read for this preset:
// - CLI reference and headless docs (docs.anthropic.com/en/docs/claude-code/cli-reference,
//   code.claude.com/docs/en/headless): `--print`, `--output-format stream-json`,
//   `--append-system-prompt` (print mode only), `--allowedTools`, `--mcp-config`,
//   `--strict-mcp-config`, `--max-turns`, `--model`, `--permission-mode`.
// - The CLI itself refuses `--output-format stream-json` without `--verbose` in print mode
//   ("Error: When using --print, --output-format=stream-json requires --verbose"); the prompt
//   may come on standard input ("Input must be provided either through stdin or as a prompt
//   argument when using --print").
// - The event types, from @anthropic-ai/claude-agent-sdk 0.3.333 (Claude Code 2.1.333),
//   sdk.d.ts: `system`/`init`, `assistant` (one per content block; its usage is not final and
//   `error` may be 'rate_limit'), `user` (tool results), and one `result` per turn with
//   `subtype` 'success' | 'error_max_turns' | 'error_during_execution' | ..., `is_error`,
//   `api_error_status`, `terminal_reason`, `total_cost_usd` (an estimate of the whole run),
//   `usage` (main loop only) and `modelUsage` (every model call: "the correct field for
//   token/cost accounting"). An API failure still comes as subtype 'success' with
//   `is_error: true` and the message in `result`.

/** Permission mode for a run nobody watches: edits in the worktree go through, anything else
 * only when it is in `tools` (`--allowedTools`); other requests are refused, not asked. */
const PERMISSION_MODE = 'acceptEdits';

function invocation(config: AgentExecutorConfig, prompt: string, runDir: string): Invocation {
  const servers = Object.entries(config.mcpServers);
  const mcpPath = join(runDir, 'claude-mcp.json');
  const argv = [
    'claude',
    '--print',
    '--output-format',
    'stream-json',
    '--verbose',
    ...(config.model ? ['--model', config.model] : []),
    ...(config.identity ? ['--append-system-prompt', config.identity] : []),
    ...(config.options.maxTurns ? ['--max-turns', String(config.options.maxTurns)] : []),
    '--permission-mode',
    PERMISSION_MODE,
    // One comma-separated value, as the Agent SDK itself passes it.
    ...(config.tools.length ? ['--allowedTools', config.tools.join(',')] : []),
    // The agent's servers only: its config is the whole truth for the run.
    ...(servers.length ? ['--mcp-config', mcpPath, '--strict-mcp-config'] : []),
    ...(config.options.extraArgs ?? []),
  ];
  const mcpServers = Object.fromEntries(
    servers.map(([name, server]) => [
      name,
      server.url
        ? { type: 'http', url: server.url, ...(server.headers ? { headers: server.headers } : {}) }
        : {
            command: server.command,
            args: server.args ?? [],
            ...(server.env ? { env: server.env } : {}),
          },
    ]),
  );
  return {
    argv,
    stdin: prompt,
    files: servers.length
      ? [{ path: mcpPath, contents: `${JSON.stringify({ mcpServers }, null, 2)}\n` }]
      : [],
    env: {},
    notes: [],
  };
}

function describeTool(block: Record<string, unknown>): string {
  const input = obj(block.input) ?? {};
  const detail =
    str(input.command) ?? str(input.file_path) ?? str(input.path) ?? str(input.pattern) ?? '';
  return `${str(block.name) ?? 'tool'} ${detail}`.trim();
}

interface TokenRow {
  input?: number;
  read?: number;
  write?: number;
  output?: number;
}

/** A result's token counts: per model from `modelUsage` (every call, subagents included)
 * when present, else the main loop's `usage`. */
function tokenRows(event: Record<string, unknown>): TokenRow[] {
  const perModel = Object.values(obj(event.modelUsage) ?? {}).map((entry) => obj(entry) ?? {});
  if (perModel.length)
    return perModel.map((m) => ({
      input: num(m.inputTokens),
      read: num(m.cacheReadInputTokens),
      write: num(m.cacheCreationInputTokens),
      output: num(m.outputTokens),
    }));
  const usage = obj(event.usage) ?? {};
  return [
    {
      input: num(usage.input_tokens),
      read: num(usage.cache_read_input_tokens),
      write: num(usage.cache_creation_input_tokens),
      output: num(usage.output_tokens),
    },
  ];
}

function createParser() {
  const tally = new Tally();
  let result: Record<string, unknown> | undefined;
  let rateLimited = false;
  // Tokens as the run goes, for the budget check: each assistant message's latest usage (one
  // event per content block repeats it, not final), summed over messages. The result's
  // totals replace these at the end.
  const perMessage = new Map<string, TokenRow>();

  function onAssistantUsage(message: Record<string, unknown>): StreamEvent[] {
    const usage = obj(message.usage);
    if (!usage || result) return [];
    perMessage.set(str(message.id) ?? `message-${perMessage.size}`, {
      input: num(usage.input_tokens),
      read: num(usage.cache_read_input_tokens),
      write: num(usage.cache_creation_input_tokens),
      output: num(usage.output_tokens),
    });
    tally.inputTokens = tally.outputTokens = tally.cachedInputTokens = null;
    for (const { input = 0, read = 0, write = 0, output = 0 } of perMessage.values())
      tally.addTokens(input + read + write, output, read);
    return [tally.usage()];
  }

  function onResult(event: Record<string, unknown>): StreamEvent[] {
    result = event;
    const rows = tokenRows(event);
    if (rows.some((row) => row.input !== undefined)) {
      // The result repeats the run's totals, so they replace rather than add.
      tally.inputTokens = tally.outputTokens = tally.cachedInputTokens = null;
      // Anthropic's input_tokens leave out cache reads and writes; all three were read.
      for (const { input = 0, read = 0, write = 0, output = 0 } of rows)
        tally.addTokens(input + read + write, output, read);
    }
    const cost = num(event.total_cost_usd);
    if (cost !== undefined) tally.costUsd = cost;
    const events: StreamEvent[] = [tally.usage()];
    const ok = event.subtype === 'success' && event.is_error !== true;
    if (!ok) {
      const message =
        str(event.result) || list(event.errors).map(String).join('; ') || String(event.subtype);
      const reason =
        event.subtype === 'error_max_turns' || event.terminal_reason === 'max_turns'
          ? 'max_turns'
          : event.api_error_status === 429 || rateLimited
            ? 'rate_limit'
            : reasonFromText(message);
      events.push(tally.fail(reason, message));
    } else events.push(...tally.note('text', str(event.result) ?? ''));
    return [...events, { kind: 'result', ok, lastLine: tally.lastLine }];
  }

  return jsonEventParser(
    (event, type) => {
      if (type === 'result') return onResult(event);
      if (type !== 'assistant') return [];
      if (event.error === 'rate_limit') rateLimited = true;
      const message = obj(event.message) ?? {};
      const notes = list(message.content).flatMap((entry) => {
        const block = obj(entry) ?? {};
        if (block.type === 'text') return tally.note('text', str(block.text) ?? '');
        if (block.type === 'tool_use') return tally.note('tool', describeTool(block));
        return [];
      });
      return [...notes, ...onAssistantUsage(message)];
    },
    () => tally.summary(result !== undefined, 'claude ended without a result event'),
  );
}

export const claudeCode: Preset = {
  name: 'claude-code',
  binary: 'claude',
  versionArgs: ['--version'],
  credentialEnv: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'],
  invocation,
  createParser,
};
