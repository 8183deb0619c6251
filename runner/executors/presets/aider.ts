import { join } from 'node:path';
import { lineParser, reasonFromText, Tally } from './stream';
import type { AgentExecutorConfig, Invocation, Preset, StreamEvent } from './types';

// aider, scripted.
// Sources, read for this preset (aider.chat/docs, github.com/Aider-AI/aider):
// - docs/scripting.html: `--message` / `--message-file` do one thing and exit; `--yes-always`
//   answers every confirmation; `--no-stream`; `--read FILE` adds a read-only file to the
//   chat (how aider takes conventions, so it carries the identity); `--model`.
//   `--message-file` keeps the prompt out of argv, where any local user could read it.
// - aider/coders/base_coder.py `calculate_and_show_tokens_and_cost`: after every reply
//   "Tokens: 12k sent, 1.5k cache write, 2.1k cache hit, 1.1k received." then (on the same
//   line, or the next when both cache counts are there) "Cost: $0.02 message, $0.15
//   session." The cost is printed only when aider knows the model's price; counts go through
//   format_tokens (4.2k, 12k), so they are rounded. The session cost is cumulative.
// - aider/exceptions.py: a rate limit prints "The API provider has rate limited you. Try
//   again later or check your quotas." and aider retries; the text also appears before a
//   retry that succeeds, so only a failure not followed by a reply counts.
// - aider has no MCP, no tool list and no turn limit; it exits 0 after --message even when
//   the model call failed, so success is read from the output.
// - Its chat and input histories would land in the worktree (and be committed with the work);
//   they go to the run folder instead, and --no-gitignore keeps aider from editing .gitignore.

function invocation(config: AgentExecutorConfig, prompt: string, runDir: string): Invocation {
  const promptPath = join(runDir, 'prompt.md');
  const identityPath = join(runDir, 'identity.md');
  const servers = Object.keys(config.mcpServers);
  return {
    argv: [
      'aider',
      '--message-file',
      promptPath,
      '--yes-always',
      '--no-stream',
      '--no-pretty',
      '--no-gitignore',
      '--chat-history-file',
      join(runDir, 'chat-history.md'),
      '--input-history-file',
      join(runDir, 'input-history'),
      ...(config.model ? ['--model', config.model] : []),
      ...(config.identity ? ['--read', identityPath] : []),
      ...(config.options.extraArgs ?? []),
    ],
    stdin: '',
    files: [
      { path: promptPath, contents: prompt },
      ...(config.identity ? [{ path: identityPath, contents: `${config.identity}\n` }] : []),
    ],
    env: {},
    notes: [
      ...(servers.length
        ? [`aider has no MCP support; servers not used: ${servers.join(', ')}`]
        : []),
      ...(config.tools.length ? ['aider has no allowed-tools option; tools are not applied'] : []),
      ...(config.options.maxTurns ? ['aider has no turn limit; maxTurns is not applied'] : []),
    ],
  };
}

/** "4.2k" → 4200, "12k" → 12000, "1.1M" → 1100000, "980" → 980 (aider rounds its counts). */
function count(text: string): number {
  const match = /^([\d.,]+)\s*([kKmM]?)$/.exec(text.trim());
  if (!match) return 0;
  const value = Number(match[1]?.replace(/,/g, ''));
  const scale = match[2]?.toLowerCase() === 'k' ? 1e3 : match[2]?.toLowerCase() === 'm' ? 1e6 : 1;
  return Math.round(value * scale);
}

const TOKENS = /^Tokens: (.+?)\.(?:\s|$)/;
const COST = /Cost: \$([\d.]+) message, \$([\d.]+) session\./;
const FAILURE = /^(litellm\.\w*(Error|Exception)|The API provider )/;

function createParser() {
  const tally = new Tally();
  let replies = 0;
  // The last failure aider printed, until a reply shows it recovered.
  let pending: string | undefined;

  const onLine = (raw: string): StreamEvent[] => {
    const line = raw.trim();
    if (!line) return [];
    const tokens = TOKENS.exec(line);
    const cost = COST.exec(line);
    if (tokens?.[1]) {
      const parts = Object.fromEntries(
        // Parts end in ", "; older releases wrote counts with thousands commas (1,234).
        tokens[1].split(/,\s+/).map((part) => {
          const [amount = '', ...label] = part.trim().split(' ');
          return [label.join(' '), count(amount)];
        }),
      );
      replies++;
      pending = undefined;
      // "sent" holds prompt and cache-write tokens but not cache hits (Anthropic's split, the
      // only one whose hit count aider reads under that name): hits were read too. DeepSeek's
      // hits are inside "sent" already and count twice here; its cost line is still exact.
      const hits = parts['cache hit'] ?? 0;
      tally.addTokens((parts.sent ?? 0) + hits, parts.received ?? 0, hits);
    }
    // The session figure is the run's total so far, so it replaces.
    if (cost?.[2]) tally.costUsd = Number(cost[2]);
    if (tokens || cost) return [tally.usage()];
    if (/^Retrying in /.test(line)) return [];
    if (FAILURE.test(line)) {
      // Keep the most telling line: aider's own sentence over litellm's exception dump.
      if (!pending || !/^The API provider/.test(pending)) pending = line;
      return [{ kind: 'error', reason: reasonFromText(line), lastLine: line }];
    }
    if (/^Applied edit to /.test(line)) return tally.note('tool', line);
    return tally.note('text', line);
  };

  return lineParser(onLine, () => {
    if (pending) tally.fail(reasonFromText(pending), pending);
    return tally.summary(replies > 0, 'aider printed no token report (no reply from the model)');
  });
}

export const aider: Preset = {
  name: 'aider',
  binary: 'aider',
  versionArgs: ['--version'],
  credentialEnv: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'OPENROUTER_API_KEY'],
  invocation,
  createParser,
};
