import { join } from 'node:path';
import { jsonEventParser, num, obj, reasonFromText, str, Tally } from './stream';
import type { AgentExecutorConfig, Invocation, Preset, StreamEvent } from './types';

// Gemini CLI, headless.
// Sources, read for this preset (github.com/google-gemini/gemini-cli, geminicli.com/docs):
// - docs/cli/headless.md: headless when standard input is not a terminal or with `-p`
//   (whose text is appended to what stdin brings); `--output-format json|stream-json`;
//   stream events `init`, `message`, `tool_use`, `tool_result`, `error` (non-fatal warnings)
//   and `result`; exit codes 0, 1 (API failure), 42 (input), 53 (turn limit exceeded).
// - packages/core/src/output/types.ts and stream-json-formatter.ts: `result` is
//   {status: 'success'|'error', error?: {type, message}, stats: {total_tokens, input_tokens
//   (all prompt tokens, cached ones included), output_tokens, cached, input, duration_ms,
//   tool_calls}}, summed over models. No money: cost is priced later from tokens.
// - packages/cli/src/utils/errors.ts: in stream-json mode a fatal error, the turn limit
//   ("Reached max session turns...", FatalTurnLimitedError, exit 53) and a quota failure
//   (TerminalQuotaError) end with a `result` of status 'error'. Older releases printed those
//   to stderr instead; exit code 53 still tells the turn limit.
// - Settings (docs/cli/configuration.md, docs/tools/mcp-server.md): `mcpServers` with
//   `command`/`args`/`env` or `httpUrl`/`headers`; `model.maxSessionTurns`; `tools.allowed`
//   (run without confirmation); `security.folderTrust.enabled`. GEMINI_CLI_SYSTEM_SETTINGS_PATH
//   moves the system settings file, the layer that overrides user and workspace settings, so
//   the run's settings live outside the worktree and nothing of the user's is edited. With
//   folder trust on, an untrusted folder forces the approval mode back to default, which a
//   headless run cannot answer: the run trusts its own worktree.
// - The identity has no append-only option (GEMINI_SYSTEM_MD replaces the whole system
//   prompt), so it leads the prompt.

function invocation(config: AgentExecutorConfig, prompt: string, runDir: string): Invocation {
  const settingsPath = join(runDir, 'gemini-settings.json');
  const servers = Object.entries(config.mcpServers);
  const settings = {
    security: { folderTrust: { enabled: false } },
    ...(config.options.maxTurns ? { model: { maxSessionTurns: config.options.maxTurns } } : {}),
    ...(config.tools.length ? { tools: { allowed: config.tools } } : {}),
    ...(servers.length
      ? {
          mcpServers: Object.fromEntries(
            servers.map(([name, server]) => [
              name,
              server.url
                ? { httpUrl: server.url, ...(server.headers ? { headers: server.headers } : {}) }
                : {
                    command: server.command,
                    args: server.args ?? [],
                    ...(server.env ? { env: server.env } : {}),
                  },
            ]),
          ),
        }
      : {}),
  };
  return {
    argv: [
      'gemini',
      '--output-format',
      'stream-json',
      // Edits go through; other tools only when listed in tools.allowed.
      '--approval-mode',
      'auto_edit',
      ...(config.model ? ['--model', config.model] : []),
      ...(config.options.extraArgs ?? []),
    ],
    stdin: config.identity ? `${config.identity}\n\n${prompt}` : prompt,
    files: [{ path: settingsPath, contents: `${JSON.stringify(settings, null, 2)}\n` }],
    env: { GEMINI_CLI_SYSTEM_SETTINGS_PATH: settingsPath },
    notes: [],
  };
}

function createParser() {
  const tally = new Tally();
  let reply = ''; // the assistant's current message, which arrives in deltas
  let status: string | undefined;
  let lastWarning: string | undefined;

  return jsonEventParser(
    (event, type): StreamEvent[] => {
      if (type === 'message' && event.role === 'assistant') {
        reply =
          event.delta === true ? reply + (str(event.content) ?? '') : (str(event.content) ?? '');
        return tally.note('text', reply);
      }
      if (type === 'tool_use') {
        reply = '';
        const parameters = obj(event.parameters) ?? {};
        const detail =
          str(parameters.command) ?? str(parameters.file_path) ?? str(parameters.path) ?? '';
        return tally.note('tool', `${str(event.tool_name) ?? 'tool'} ${detail}`);
      }
      if (type === 'error') {
        lastWarning = str(event.message);
        return tally.note('text', lastWarning ?? '');
      }
      if (type !== 'result') return [];
      status = str(event.status);
      const stats = obj(event.stats);
      if (num(stats?.input_tokens) !== undefined || num(stats?.output_tokens) !== undefined)
        tally.addTokens(
          num(stats?.input_tokens) ?? 0,
          num(stats?.output_tokens) ?? 0,
          num(stats?.cached) ?? 0,
        );
      const events: StreamEvent[] = [tally.usage()];
      if (status !== 'success') {
        const error = obj(event.error);
        const message = str(error?.message) ?? lastWarning ?? 'gemini reported an error';
        events.push(tally.fail(reasonFromText(`${str(error?.type) ?? ''} ${message}`), message));
      }
      return [...events, { kind: 'result', ok: status === 'success' }];
    },
    (exitCode) => {
      if (exitCode === 53 && tally.failure?.reason !== 'max_turns')
        tally.fail('max_turns', lastWarning ?? 'gemini reached its session turn limit (exit 53)');
      return tally.summary(status === 'success', 'gemini ended without a result event');
    },
  );
}

export const gemini: Preset = {
  name: 'gemini',
  binary: 'gemini',
  versionArgs: ['--version'],
  credentialEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_APPLICATION_CREDENTIALS'],
  invocation,
  createParser,
};
