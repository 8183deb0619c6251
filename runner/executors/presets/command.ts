import { lineParser, Tally } from './stream';
import type { AgentExecutorConfig, Invocation, Preset } from './types';

// Any other CLI, as the runner's --command runs it: a shell command in the worktree,
// the prompt (identity first) on standard input. Its output is plain text of no known
// format, so tokens and money are unknown (null) and the exit code alone decides.

function invocation(config: AgentExecutorConfig, prompt: string): Invocation {
  const command = config.options.command;
  if (!command) throw new Error('the command executor needs options.command');
  const servers = Object.keys(config.mcpServers);
  return {
    // Extra arguments reach the command as $1, $2... ("sh" fills $0), never spliced into it.
    argv: [
      '/bin/sh',
      '-c',
      command,
      ...(config.options.extraArgs?.length ? ['sh', ...config.options.extraArgs] : []),
    ],
    stdin: config.identity ? `${config.identity}\n\n${prompt}` : prompt,
    files: [],
    env: {},
    notes: [
      ...(servers.length
        ? [`a plain command gets no MCP config; servers not used: ${servers.join(', ')}`]
        : []),
      ...(config.tools.length
        ? ['a plain command has no allowed-tools option; tools are not applied']
        : []),
    ],
  };
}

function createParser() {
  const tally = new Tally();
  return lineParser(
    (line) => tally.note('text', line),
    () => tally.summary(true, ''),
  );
}

export const command: Preset = {
  name: 'command',
  binary: null,
  versionArgs: [],
  credentialEnv: [],
  invocation,
  createParser,
};
