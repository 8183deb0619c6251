// HQ's own MCP server reaches each CLI as the server `hq`: the claim's URL and run token,
// written where the CLI reads its MCP servers (the run's 0600 files, gone after the run), with
// the token in the Authorization header only: never in argv, never in the child's environment
// (codex alone takes MCP headers by variable name, kept out of its shells), masked in the log.
import { afterEach, describe, expect, it } from 'vitest';
import type { Claim } from '../../runner/api';
import { PRESETS } from '../../runner/executors/presets';
import { chooseExecutor } from '../../runner/executors/run';
import { openRunLog } from '../../runner/logs/run-log';
import { agentConfig, fileOf, makeRepo, runStandIn } from '../support/preset-runs';

const repo = makeRepo();
afterEach(() => repo.reset());

const TOKEN =
  'hqm_eyJ0YXNrIjoidCJ9.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const URL = 'http://127.0.0.1:8787/mcp';
const HEADER = { Authorization: `Bearer ${TOKEN}` };
const fallback = { executor: 'claude-code' as const, command: '' };

/** A claim as HQ sends it: the agent (with its own servers) and HQ's server for this run. */
const claim = (
  mcp: Claim['mcp'] | null = { url: URL, token: TOKEN },
): Pick<Claim, 'agent' | 'mcp'> => {
  const config = agentConfig();
  return {
    agent: {
      slug: 'ada',
      name: 'Ada',
      model: config.model,
      provider: 'anthropic',
      identity: config.identity,
      tools: config.tools,
      executor: null,
      mcpServers: config.mcpServers,
    },
    ...(mcp ? { mcp } : {}),
  };
};

/** The run's config for the CLI, as the runner builds it from the claim. */
const configFor = (c = claim()) => ({ ...chooseExecutor(c, fallback).config, options: {} });

/** Nothing of the token outside the CLI's config: argv, environment, log. */
function expectTokenOnlyInConfig(run: Awaited<ReturnType<typeof runStandIn>>) {
  expect(JSON.stringify(run.record.argv)).not.toContain(TOKEN);
  expect(JSON.stringify(run.record.echoedEnv)).not.toContain(TOKEN);
  expect(run.result.logTail).not.toContain(TOKEN);
}

describe('each CLI gets HQ’s MCP server as `hq`, beside the agent’s own', () => {
  it('claude-code: an http server in the --mcp-config file', async () => {
    const run = await runStandIn(PRESETS['claude-code'], configFor(), repo.dir, 'success');
    const file = fileOf(run.record, run.record.argv[run.record.argv.indexOf('--mcp-config') + 1]);
    expect(file).toMatchObject({
      mcpServers: {
        github: { command: 'npx' },
        docs: { type: 'http', url: 'https://mcp.example.com/mcp' },
        hq: { type: 'http', url: URL, headers: HEADER },
      },
    });
    expectTokenOnlyInConfig(run);
  });

  it('gemini: an httpUrl server in the system settings file', async () => {
    const run = await runStandIn(PRESETS.gemini, configFor(), repo.dir, 'success', {
      STANDIN_ECHO_ENV: 'GEMINI_CLI_SYSTEM_SETTINGS_PATH',
    });
    const path = run.record.echoedEnv.GEMINI_CLI_SYSTEM_SETTINGS_PATH ?? undefined;
    expect(fileOf(run.record, path)).toMatchObject({
      mcpServers: { hq: { httpUrl: URL, headers: HEADER } },
    });
    expectTokenOnlyInConfig(run);
  });

  it('opencode: a remote server in the OPENCODE_CONFIG file', async () => {
    const run = await runStandIn(PRESETS.opencode, configFor(), repo.dir, 'success', {
      STANDIN_ECHO_ENV: 'OPENCODE_CONFIG',
    });
    const path = run.record.echoedEnv.OPENCODE_CONFIG ?? undefined;
    expect(fileOf(run.record, path)).toMatchObject({
      mcp: { hq: { type: 'remote', url: URL, enabled: true, headers: HEADER } },
    });
    expectTokenOnlyInConfig(run);
  });

  it('codex: the header by variable name, a variable its shells never see', () => {
    const invocation = PRESETS.codex.invocation(configFor(), 'prompt', '/tmp/unused');
    const servers = invocation.argv[invocation.argv.indexOf('-c') + 1] ?? '';
    expect(servers).toContain(
      `hq = {url = "${URL}", env_http_headers = {Authorization = "HQ_MCP_HQ_AUTHORIZATION"}}`,
    );
    expect(invocation.env.HQ_MCP_HQ_AUTHORIZATION).toBe(`Bearer ${TOKEN}`);
    expect(invocation.argv).toContain(
      'shell_environment_policy.exclude=["GITHUB_TOKEN", "HQ_MCP_DOCS_AUTHORIZATION", "HQ_MCP_HQ_AUTHORIZATION"]',
    );
    expect(JSON.stringify(invocation.argv)).not.toContain(TOKEN);
  });

  it('aider and a plain command have no MCP: the run’s log says hq is not used', () => {
    for (const preset of [PRESETS.aider, PRESETS.command]) {
      const config = { ...configFor(), options: { command: 'true' } };
      const { notes } = preset.invocation(config, 'prompt', '/tmp/unused');
      expect(notes.join('\n')).toMatch(/servers not used: github, docs, hq/);
    }
  });

  it('an HQ that sends no server (before issue 19) leaves the agent’s servers as they were', () => {
    expect(Object.keys(configFor(claim(null)).mcpServers)).toEqual(['github', 'docs']);
  });

  it('the run token is masked in the run log, alone or as the header', () => {
    const log = openRunLog(
      { appendLog: async () => undefined },
      { ...claim(), task: { id: 't', runs: 1 } } as unknown as Claim,
      [],
      [],
      { onLost: () => undefined, onRefused: () => undefined },
    );
    expect(log.mask(`curl -H "Authorization: Bearer ${TOKEN}" ${URL}; echo ${TOKEN}`)).toBe(
      `curl -H "Authorization: [masked]" ${URL}; echo [masked]`,
    );
  });
});
