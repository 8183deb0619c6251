import { join } from 'node:path';
import { jsonEventParser, num, obj, reasonFromText, str, Tally } from './stream';
import type { AgentExecutorConfig, Invocation, Preset, StreamEvent } from './types';

// OpenCode, non-interactive (`opencode run`).
// Sources, read for this preset:
// - packages/opencode/src/cli/cmd/run.ts (github.com/anomalyco/opencode, formerly
//   sst/opencode): `run [message..]` with `--model provider/model`, `--format json`; piped
//   standard input is read as (part of) the message; with `--format json` every event is
//   one line `{type, timestamp, sessionID, ...}`: `step_start`, `step_finish`, `text`,
//   `reasoning` (only with --thinking), `tool_use` (a finished tool part), `error` ({error:
//   {name, data: {message}}}) and, in recent releases, `done` ({reason: 'idle'}); a session
//   error sets exit code 1. Permission requests nobody answers are rejected (unless --auto).
// - The SDK's StepFinishPart: {cost (USD, priced by opencode), tokens: {input, output,
//   reasoning, cache: {read, write}}} per step; opencode's getUsage leaves cache reads and
//   writes out of `input`, and reasoning out of `output`, so both are added back here.
// - Config (opencode.ai/docs/config, /mcp-servers, /agents): OPENCODE_CONFIG names a config
//   file merged over the global one (a project's opencode.json still wins); `mcp` entries
//   {type: 'local', command: [...], environment} or {type: 'remote', url, headers};
//   `instructions` lists files added to the system prompt; `permission` maps a tool to
//   allow/ask/deny; an agent's `steps` caps its iterations (the default agent is `build`).
//   At the cap opencode asks the model to wrap up instead of failing, so a turn limit shows
//   as a normal end, not as max_turns.
// - Rate limits: opencode retries a retryable API error itself (session.status 'retry');
//   what reaches `error` is the final failure, e.g. {name: 'APIError', data: {message,
//   statusCode: 429, isRetryable}} (the error shape of opencode's message-v2 APIError).

function invocation(config: AgentExecutorConfig, prompt: string, runDir: string): Invocation {
  const configPath = join(runDir, 'opencode.json');
  const identityPath = join(runDir, 'identity.md');
  const servers = Object.entries(config.mcpServers);
  const settings = {
    $schema: 'https://opencode.ai/config.json',
    ...(config.identity ? { instructions: [identityPath] } : {}),
    ...(config.tools.length
      ? { permission: Object.fromEntries(config.tools.map((tool) => [tool, 'allow'])) }
      : {}),
    ...(config.options.maxTurns ? { agent: { build: { steps: config.options.maxTurns } } } : {}),
    ...(servers.length
      ? {
          mcp: Object.fromEntries(
            servers.map(([name, server]) => [
              name,
              server.url
                ? {
                    type: 'remote',
                    url: server.url,
                    enabled: true,
                    ...(server.headers ? { headers: server.headers } : {}),
                  }
                : {
                    type: 'local',
                    command: [server.command, ...(server.args ?? [])],
                    enabled: true,
                    ...(server.env ? { environment: server.env } : {}),
                  },
            ]),
          ),
        }
      : {}),
  };
  return {
    argv: [
      'opencode',
      'run',
      '--format',
      'json',
      ...(config.model ? ['--model', config.model] : []),
      ...(config.options.extraArgs ?? []),
    ],
    stdin: prompt,
    files: [
      { path: configPath, contents: `${JSON.stringify(settings, null, 2)}\n` },
      ...(config.identity ? [{ path: identityPath, contents: `${config.identity}\n` }] : []),
    ],
    env: { OPENCODE_CONFIG: configPath },
    notes: [],
  };
}

function createParser() {
  const tally = new Tally();
  let steps = 0;

  return jsonEventParser(
    (event, type): StreamEvent[] => {
      const part = obj(event.part) ?? {};
      if (type === 'text') return tally.note('text', str(part.text) ?? '');
      if (type === 'tool_use') {
        const state = obj(part.state) ?? {};
        return tally.note('tool', `${str(part.tool) ?? 'tool'} ${str(state.title) ?? ''}`);
      }
      if (type === 'step_finish') {
        const tokens = obj(part.tokens) ?? {};
        const cache = obj(tokens.cache) ?? {};
        steps++;
        tally.addTokens(
          (num(tokens.input) ?? 0) + (num(cache.read) ?? 0) + (num(cache.write) ?? 0),
          (num(tokens.output) ?? 0) + (num(tokens.reasoning) ?? 0),
          num(cache.read) ?? 0,
        );
        const cost = num(part.cost);
        if (cost !== undefined) tally.addCost(cost);
        return [tally.usage()];
      }
      if (type === 'error') {
        const error = obj(event.error) ?? {};
        const data = obj(error.data) ?? {};
        const message = str(data.message) ?? str(error.name) ?? 'opencode reported an error';
        const reason = num(data.statusCode) === 429 ? 'rate_limit' : reasonFromText(message);
        return [tally.fail(reason, message), { kind: 'result', ok: false }];
      }
      if (type === 'done') return [{ kind: 'result', ok: !tally.failure }];
      return [];
    },
    // opencode has no closing success event in every release: no error and a finished step
    // is a success (the exit code is checked by the caller too).
    () => tally.summary(steps > 0, 'opencode ended without finishing a step'),
  );
}

export const opencode: Preset = {
  name: 'opencode',
  binary: 'opencode',
  versionArgs: ['--version'],
  credentialEnv: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'OPENROUTER_API_KEY', 'GEMINI_API_KEY'],
  invocation,
  createParser,
};
