// Each CLI preset run for real against its stand-in (test/support/stand-in-clis), in a real
// git repository: the exact argv and standard input, the environment the child got (the
// allowlist and the preset's own variables, nothing of the runner's), the MCP and settings
// files while the CLI ran and their deletion after, and the tokens and money recorded.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../runner/executors/presets';
import {
  agentConfig,
  expectCleanRun,
  fileOf,
  inRunDir,
  makeRepo,
  PROMPT,
  runStandIn,
  SECRETS,
  words,
} from '../support/preset-runs';

const repo = makeRepo();
const IDENTITY = agentConfig().identity;
const GITHUB_ARGS = ['-y', '@modelcontextprotocol/server-github'];
const DOCS_URL = 'https://mcp.example.com/mcp';
const GITHUB_ENV = { GITHUB_TOKEN: SECRETS[0] };
const DOCS_HEADERS = { Authorization: `Bearer ${SECRETS[1]}` };
afterEach(() => repo.reset());
beforeAll(() => {
  process.env.HQ_PLANTED_SECRET = 'planted-runner-secret';
});
afterAll(() => {
  delete process.env.HQ_PLANTED_SECRET;
});

describe('CLI presets against their stand-ins', () => {
  it('claude-code: print mode, identity appended, MCP config file, money from total_cost_usd', async () => {
    const run = await runStandIn(PRESETS['claude-code'], agentConfig(), repo.dir, 'success');
    const { result, record } = run;
    expect(record.argv).toEqual([
      ...words('--print --output-format stream-json --verbose --model model-x'),
      '--append-system-prompt',
      IDENTITY,
      ...words('--max-turns 7 --permission-mode acceptEdits --allowedTools'),
      'Bash(npm test:*),Read',
      '--mcp-config',
      inRunDir('claude-mcp.json'),
      ...words('--strict-mcp-config --extra-flag'),
    ]);
    expect(record.stdin).toBe(PROMPT);
    expect(fileOf(record, record.argv[15])).toEqual({
      mcpServers: {
        github: { command: 'npx', args: GITHUB_ARGS, env: GITHUB_ENV },
        docs: { type: 'http', url: DOCS_URL, headers: DOCS_HEADERS },
      },
    });
    expectCleanRun(repo, run, []);
    // modelUsage: 1200 input + 24000 cache reads + 1800 cache writes were all read.
    expect(result).toMatchObject({
      inputTokens: 27000,
      outputTokens: 350,
      cachedInputTokens: 24000,
      costUsd: 0.0421,
      lastMeaningfulLine: 'Created hello.txt with a greeting.',
    });
  });

  it('codex: exec --json, identity leads the stdin prompt, MCP secrets only in the child env', async () => {
    const echo = { STANDIN_ECHO_ENV: 'GITHUB_TOKEN,HQ_MCP_DOCS_AUTHORIZATION' };
    const run = await runStandIn(PRESETS.codex, agentConfig(), repo.dir, 'success', echo);
    const { result, record } = run;
    expect(record.argv).toEqual([
      ...words('exec --json --sandbox workspace-write --model model-x -c'),
      `mcp_servers={github = {command = "npx", args = ["-y", "@modelcontextprotocol/server-github"], env_vars = ["GITHUB_TOKEN"]}, docs = {url = "${DOCS_URL}", env_http_headers = {Authorization = "HQ_MCP_DOCS_AUTHORIZATION"}}}`,
      '-c',
      'shell_environment_policy.exclude=["GITHUB_TOKEN", "HQ_MCP_DOCS_AUTHORIZATION"]',
      ...words('--extra-flag -'),
    ]);
    expect(record.stdin).toBe(`${IDENTITY}\n\n${PROMPT}`);
    expect(record.echoedEnv).toEqual({
      GITHUB_TOKEN: SECRETS[0],
      HQ_MCP_DOCS_AUTHORIZATION: `Bearer ${SECRETS[1]}`,
    });
    expectCleanRun(repo, run, ['GITHUB_TOKEN', 'HQ_MCP_DOCS_AUTHORIZATION']);
    // Tokens from turn.completed; codex reports no money, so the cost stays unknown.
    expect(result).toMatchObject({
      inputTokens: 24763,
      outputTokens: 122,
      cachedInputTokens: 24448,
      costUsd: null,
    });
    expect(result.logTail).toContain('note: codex exec has no turn limit; maxTurns is not applied');
  });

  it('gemini: stream-json, one settings file (MCP, turns, tools) named by an env variable', async () => {
    const run = await runStandIn(PRESETS.gemini, agentConfig(), repo.dir, 'success');
    const { result, record } = run;
    expect(record.argv).toEqual(
      words('--output-format stream-json --approval-mode auto_edit --model model-x --extra-flag'),
    );
    expect(record.stdin).toBe(`${IDENTITY}\n\n${PROMPT}`);
    const [settingsPath] = Object.keys(record.files);
    expect(settingsPath).toEqual(inRunDir('gemini-settings.json'));
    expect(fileOf(record, settingsPath)).toEqual({
      security: { folderTrust: { enabled: false } },
      model: { maxSessionTurns: 7 },
      tools: { allowed: ['Bash(npm test:*)', 'Read'] },
      mcpServers: {
        github: { command: 'npx', args: GITHUB_ARGS, env: GITHUB_ENV },
        docs: { httpUrl: DOCS_URL, headers: DOCS_HEADERS },
      },
    });
    expectCleanRun(repo, run, ['GEMINI_CLI_SYSTEM_SETTINGS_PATH']);
    expect(result).toMatchObject({
      inputTokens: 18250,
      outputTokens: 410,
      cachedInputTokens: 12000,
      costUsd: null,
      lastMeaningfulLine: 'Created hello.txt with a greeting.',
    });
  });

  it('opencode: run --format json, config named by OPENCODE_CONFIG, usage summed over steps', async () => {
    const config = agentConfig({ model: 'anthropic/model-x', tools: ['bash', 'edit'] });
    const run = await runStandIn(PRESETS.opencode, config, repo.dir, 'success');
    const { result, record } = run;
    expect(record.argv).toEqual(words('run --format json --model anthropic/model-x --extra-flag'));
    expect(record.stdin).toBe(PROMPT);
    const [configPath, identityPath = ''] = Object.keys(record.files);
    expect(configPath).toEqual(inRunDir('opencode.json'));
    expect(identityPath).toEqual(inRunDir('identity.md'));
    expect(record.files[identityPath]?.contents).toBe(`${IDENTITY}\n`);
    expect(fileOf(record, configPath)).toEqual({
      $schema: 'https://opencode.ai/config.json',
      instructions: [identityPath],
      permission: { bash: 'allow', edit: 'allow' },
      agent: { build: { steps: 7 } },
      mcp: {
        github: {
          type: 'local',
          command: ['npx', ...GITHUB_ARGS],
          enabled: true,
          environment: GITHUB_ENV,
        },
        docs: { type: 'remote', url: DOCS_URL, enabled: true, headers: DOCS_HEADERS },
      },
    });
    expectCleanRun(repo, run, ['OPENCODE_CONFIG']);
    // (1200 + 9000 + 300) + (150 + 10200) input, 80 + (40 + 10 reasoning) output.
    expect(result).toMatchObject({
      inputTokens: 20850,
      outputTokens: 130,
      cachedInputTokens: 19200,
    });
    expect(result.costUsd).toBeCloseTo(0.0164, 10);
  });

  it('aider: message file, identity read-only, usage lines parsed, a retried rate limit forgiven', async () => {
    const run = await runStandIn(PRESETS.aider, agentConfig(), repo.dir, 'success');
    const { result, record } = run;
    expect(record.argv).toEqual([
      '--message-file',
      inRunDir('prompt.md'),
      ...words('--yes-always --no-stream --no-pretty --no-gitignore --chat-history-file'),
      inRunDir('chat-history.md'),
      '--input-history-file',
      inRunDir('input-history'),
      ...words('--model model-x --read'),
      inRunDir('identity.md'),
      '--extra-flag',
    ]);
    expect(record.stdin).toBe('');
    expect(record.files[record.argv[1] ?? '']?.contents).toBe(PROMPT);
    expect(record.files[record.argv[13] ?? '']?.contents).toBe(`${IDENTITY}\n`);
    expectCleanRun(repo, run, []);
    // "4.2k sent, 2.1k cache write, 12k cache hit, 1.1k received", then "$0.03 session".
    expect(result).toMatchObject({
      inputTokens: 16200,
      outputTokens: 1100,
      cachedInputTokens: 12000,
      costUsd: 0.03,
    });
    expect(result.logTail).toContain(
      'note: aider has no MCP support; servers not used: github, docs',
    );
  });
});
