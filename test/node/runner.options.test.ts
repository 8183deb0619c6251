import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOptions, UsageError } from '../../runner/options';

const dir = mkdtempSync(join(tmpdir(), 'hq-runner-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runner options', () => {
  it('reads a config file, and the command line wins over it', () => {
    const file = join(dir, 'runner.json');
    writeFileSync(
      file,
      JSON.stringify({
        server: 'http://hq.test',
        token: 'hqr_file',
        repo: dir,
        concurrency: 3,
        command: 'agent --fast',
      }),
    );
    const options = readOptions(['--config', file, '--concurrency', '2']);
    expect(options).toMatchObject({
      server: 'http://hq.test',
      token: 'hqr_file',
      repo: dir,
      concurrency: 2,
      command: 'agent --fast',
      executor: 'command',
    });
  });

  it('takes the token from HQ_RUNNER_TOKEN and the model key from the named variable, never from a flag', () => {
    const options = readOptions(
      [
        '--server',
        'http://hq.test',
        '--executor',
        'openai',
        '--api-key-env',
        'MY_KEY',
        '--base-url',
        'http://127.0.0.1:9/v1',
      ],
      { HQ_RUNNER_TOKEN: 'hqr_env', MY_KEY: 'sk-1' },
    );
    expect(options.token).toBe('hqr_env');
    expect(options.openai).toMatchObject({
      apiKey: 'sk-1',
      baseURL: 'http://127.0.0.1:9/v1',
      maxSteps: 20,
    });
  });

  it.each([
    [['--token', 'hqr_x', '--command', 'a'], '--server'],
    [['--server', 'http://hq.test', '--token', 'nope', '--command', 'a'], '--token'],
    [['--server', 'http://hq.test', '--token', 'hqr_x'], '--command'],
    [
      ['--server', 'http://hq.test', '--token', 'hqr_x', '--command', 'a', '--concurrency', '0'],
      '--concurrency',
    ],
    [['--server', 'http://hq.test', '--token', 'hqr_x', '--executor', 'openai'], 'API key'],
    [
      ['--server', 'http://hq.test', '--token', 'hqr_x', '--executor', 'magic', '--command', 'a'],
      '--executor',
    ],
  ])('refuses %j naming %s', (argv, named) => {
    expect(() => readOptions(argv, {})).toThrow(UsageError);
    expect(() => readOptions(argv, {})).toThrow(named);
  });

  it.each(['claude-code', 'codex', 'gemini', 'opencode', 'aider'])(
    'takes --executor %s as the fallback without a --command',
    (name) => {
      const options = readOptions(['--server', 'http://hq.test', '--executor', name], {
        HQ_RUNNER_TOKEN: 'hqr_x',
      });
      expect(options).toMatchObject({ executor: name, command: '' });
    },
  );

  it('says in --help which executors there are and how a CLI gets its credentials', () => {
    let usage = '';
    try {
      readOptions(['--help']);
    } catch (error) {
      usage = (error as UsageError).usage;
    }
    expect(usage).toMatch(
      /--executor NAME .*claude-code, codex,\s+gemini, opencode, aider, openai \(the built-in tool loop\) or command/s,
    );
    expect(usage).toContain('--env ANTHROPIC_API_KEY');
    expect(usage).toMatch(
      /without it the runner\s+reports tokens only: HQ prices them with Settings' price table/,
    );
  });
});
