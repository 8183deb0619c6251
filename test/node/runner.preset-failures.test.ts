// The ways a preset run ends other than in success: each CLI's documented failures (turn
// limit, rate limit) read from its real event stream, runs that change nothing, a CLI that
// is missing, a config a CLI cannot take, stops and Ctrl-C; and the run files are gone
// after every one of them.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRunDir,
  PRESETS,
  type PresetName,
  probePreset,
  runPreset,
  withRunFiles,
} from '../../runner/executors/presets';
import { agentConfig, makeRepo, PROMPT, runStandIn, STAND_IN_DIR } from '../support/preset-runs';

const repo = makeRepo();
afterEach(() => repo.reset());
const openCodeConfig = agentConfig({ model: 'anthropic/model-x' });
const configFor = (name: PresetName) => (name === 'opencode' ? openCodeConfig : agentConfig());
const runDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('hq-run-'));
const never = new AbortController().signal;

describe('preset runs that fail or change nothing', () => {
  it.each([
    ['claude-code', 'max_turns', { reason: 'max_turns', costUsd: 0.0312, outputTokens: 350 }],
    ['claude-code', 'rate_limit', { reason: 'rate_limit', costUsd: 0, inputTokens: 0 }],
    ['codex', 'rate_limit', { reason: 'rate_limit', costUsd: null, inputTokens: null }],
    ['gemini', 'max_turns', { reason: 'max_turns', exitCode: 53, inputTokens: 9000 }],
    ['gemini', 'rate_limit', { reason: 'rate_limit', exitCode: 1, costUsd: null }],
    ['opencode', 'rate_limit', { reason: 'rate_limit', inputTokens: null, costUsd: null }],
    // aider exits 0 after a failed --message run: the output alone tells the failure.
    ['aider', 'rate_limit', { reason: 'rate_limit', exitCode: 0, outputTokens: null }],
  ] as const)(
    '%s %s: not ok, with the reason and usage the CLI reported',
    async (name, scenario, expected) => {
      const { result, record } = await runStandIn(
        PRESETS[name],
        configFor(name),
        repo.dir,
        scenario,
      );
      expect(result).toMatchObject({ ok: false, ...expected });
      expect(result.error).toBeTruthy();
      expect(repo.changed()).toEqual([]);
      for (const path of Object.keys(record.files)) expect(existsSync(path)).toBe(false);
    },
  );

  it.each([
    ['claude-code', 0.0087, 'hello.txt already says hello; nothing to change.'],
    ['codex', null, 'hello.txt already says hello; nothing to change.'],
    ['gemini', null, 'hello.txt already says hello; nothing to change.'],
    ['opencode', 0.0019, 'hello.txt already says hello; nothing to change.'],
    ['aider', 0.0098, 'hello.txt already says hello; no changes are needed.'],
  ] as const)(
    '%s, nothing to change: ok, the worktree untouched for the caller to see',
    async (name, costUsd, line) => {
      const { result } = await runStandIn(PRESETS[name], configFor(name), repo.dir, 'no_change');
      expect(result).toMatchObject({ ok: true, costUsd, lastMeaningfulLine: line });
      expect(result.error).toBeUndefined();
      expect(repo.changed()).toEqual([]);
    },
  );

  it('a CLI missing from PATH fails with its name, and its run folder is still removed', async () => {
    const before = runDirs();
    const result = await runPreset(
      PRESETS.gemini,
      agentConfig(),
      repo.dir,
      { PATH: '/nonexistent' },
      PROMPT,
      () => undefined,
      never,
    );
    expect(result).toMatchObject({ ok: false, error: 'gemini is not on PATH', costUsd: null });
    expect(runDirs()).toEqual(before);
  });

  it('a config the CLI cannot take fails before anything starts', async () => {
    const config = agentConfig({
      mcpServers: { tools: { command: 'mcp-tools', env: { PATH: '/opt/mcp' } } },
    });
    const result = await runPreset(
      PRESETS.codex,
      config,
      repo.dir,
      { PATH: STAND_IN_DIR },
      PROMPT,
      () => undefined,
      never,
    );
    expect(result.ok).toBe(false);
    expect(result.error).toContain('tools cannot set PATH');
  });
});

describe('the command preset (any CLI) and the process plumbing', () => {
  const env = { PATH: process.env.PATH ?? '' };
  const commandConfig = (command: string) =>
    agentConfig({ mcpServers: {}, tools: [], options: { command } });

  it('gives the identity and prompt on stdin, and reports no tokens or money (unknown)', async () => {
    const lines: string[] = [];
    const result = await runPreset(
      PRESETS.command,
      commandConfig('cat > received.txt && echo "wrote the prompt"'),
      repo.dir,
      env,
      PROMPT,
      (progress) => lines.push(progress.lastLine),
      never,
    );
    expect(readFileSync(join(repo.dir, 'received.txt'), 'utf8')).toBe(
      `${agentConfig().identity}\n\n${PROMPT}`,
    );
    expect(result).toMatchObject({
      ok: true,
      inputTokens: null,
      outputTokens: null,
      costUsd: null,
      exitCode: 0,
    });
    expect(lines).toContain('wrote the prompt');
  });

  it('a failing command is not ok and says its exit code and last stderr line', async () => {
    const result = await runPreset(
      PRESETS.command,
      commandConfig('echo boom >&2; exit 3'),
      repo.dir,
      env,
      PROMPT,
      () => undefined,
      never,
    );
    expect(result).toMatchObject({
      ok: false,
      exitCode: 3,
      error: '/bin/sh exited with 3: boom',
      reason: 'error',
    });
  });

  it('a stop from the runner ends the agent at once; Ctrl-C in its group is an interruption', async () => {
    const stop = new AbortController();
    const started = Date.now();
    // The shell forks `sleep`, which keeps the output pipes open after the shell is gone.
    const running = runPreset(
      PRESETS.command,
      commandConfig('sleep 3; true'),
      repo.dir,
      env,
      PROMPT,
      () => undefined,
      stop.signal,
    );
    setTimeout(() => stop.abort(), 200);
    expect(await running).toMatchObject({ ok: false, error: 'stopped by the runner' });
    expect(Date.now() - started).toBeLessThan(2_000);
    const interrupted = await runPreset(
      PRESETS.command,
      commandConfig('kill -INT $$'),
      repo.dir,
      env,
      PROMPT,
      () => undefined,
      never,
    );
    expect(interrupted).toMatchObject({ ok: false, interrupted: true });
  });

  it('probes each CLI for its version line, and answers null for one that is missing', async () => {
    const standIns = { PATH: `${STAND_IN_DIR}:${process.env.PATH}` };
    expect(await probePreset(PRESETS['claude-code'], standIns)).toBe('2.1.333 (Claude Code)');
    expect(await probePreset(PRESETS.codex, standIns)).toBe('codex-cli 0.130.0');
    expect(await probePreset(PRESETS.gemini, standIns)).toBe('0.21.0');
    expect(await probePreset(PRESETS.opencode, standIns)).toBe('1.2.10');
    expect(await probePreset(PRESETS.aider, standIns)).toBe('aider 0.86.1');
    expect(await probePreset(PRESETS.aider, { PATH: '/nonexistent' })).toBeNull();
    expect(await probePreset(PRESETS.command, standIns)).toBeNull();
  });

  it('run files are 0600 even over a looser leftover, removed when the run throws, kept inside', async () => {
    const runDir = await createRunDir();
    const path = join(runDir, 'mcp.json');
    writeFileSync(path, 'old', { mode: 0o644 });
    const failing = withRunFiles(runDir, [{ path, contents: '{"secret":1}' }], async () => {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, 'utf8')).toBe('{"secret":1}');
      throw new Error('the agent crashed');
    });
    await expect(failing).rejects.toThrow('the agent crashed');
    expect(existsSync(runDir)).toBe(false);
    const outside = withRunFiles(
      await createRunDir(),
      [{ path: join(repo.dir, 'x.json'), contents: '' }],
      async () => 1,
    );
    await expect(outside).rejects.toThrow('outside the run folder');
    expect(existsSync(join(repo.dir, 'x.json'))).toBe(false);
  });
});
