import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readOptions, UsageError } from '../../runner/options';
import { RUNNER_VERSION } from '../../runner/version';

const dir = mkdtempSync(join(tmpdir(), 'hq-runner-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = { HQ_RUNNER_TOKEN: 'hqr_env' };
const SERVER = ['--server', 'http://hq.test', '--command', 'a'];
/** The runner as the user the files of this test belong to (its own uid). */
const SELF = { uid: process.getuid?.() ?? 0 };

/** The usage error's message for these arguments, or '' when they are accepted. */
function refusal(argv: string[], env: NodeJS.ProcessEnv = TOKEN, host = SELF): string {
  try {
    readOptions(argv, env, host);
    return '';
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return error.message;
  }
}

describe('runner options', () => {
  it('reads a config file, and the command line wins over it', () => {
    const file = join(dir, 'runner.json');
    writeFileSync(
      file,
      JSON.stringify({
        server: 'http://hq.test',
        repos: { 'acme/app': dir, 'acme/web': '/srv/web' },
        push: ['acme/web'],
        concurrency: 3,
        command: 'agent --fast',
      }),
    );
    const options = readOptions(['--config', file, '--concurrency', '2'], TOKEN, SELF);
    expect(options).toMatchObject({
      server: 'http://hq.test',
      token: 'hqr_env',
      repos: [
        { name: 'acme/app', path: dir, pushes: false },
        { name: 'acme/web', path: '/srv/web', pushes: true },
      ],
      concurrency: 2,
      command: 'agent --fast',
      executor: 'command',
      minFreeDiskMb: 1024,
      agentUser: null,
    });
    expect(options.workDir).toBe(join(tmpdir(), 'hq-runner', 'clones'));
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
      SELF,
    );
    expect(options.token).toBe('hqr_env');
    expect(options.openai).toMatchObject({
      apiKey: 'sk-1',
      baseURL: 'http://127.0.0.1:9/v1',
      maxSteps: 20,
    });
  });

  it('refuses --token on the command line and "token" in a config file, saying why and what to use', () => {
    expect(refusal([...SERVER, '--token', 'hqr_x'])).toMatch(
      /--token is refused: a command line shows in `ps`.*HQ_RUNNER_TOKEN.*--token-file PATH/,
    );
    const file = join(dir, 'with-token.json');
    writeFileSync(file, JSON.stringify({ token: 'hqr_file' }));
    expect(refusal([...SERVER, '--config', file])).toMatch(
      /"token" in the config file is refused: config files get copied and shared.*HQ_RUNNER_TOKEN/,
    );
    expect(refusal(SERVER, {})).toContain('no token: set HQ_RUNNER_TOKEN, or pass --token-file');
  });

  it('reads a token file only when it is a regular file of this user with no group or other access', () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'hqr_from_file\n', { mode: 0o600 });
    chmodSync(file, 0o600);
    expect(readOptions([...SERVER, '--token-file', file], {}, SELF).token).toBe('hqr_from_file');
    // The file wins over the variable.
    expect(readOptions([...SERVER, '--token-file', file], TOKEN, SELF).token).toBe('hqr_from_file');
    chmodSync(file, 0o640);
    expect(refusal([...SERVER, '--token-file', file])).toContain(
      `--token-file ${file}: mode 640 lets other users read it; chmod 600 ${file}`,
    );
    chmodSync(file, 0o604);
    expect(refusal([...SERVER, '--token-file', file])).toContain('mode 604');
    chmodSync(file, 0o400);
    expect(refusal([...SERVER, '--token-file', file])).toBe('');
    expect(refusal([...SERVER, '--token-file', file], {}, { uid: 4242 })).toContain(
      `owned by uid ${SELF.uid}, not by this runner's user (uid 4242)`,
    );
    const folder = join(dir, 'a-folder');
    mkdirSync(folder, { mode: 0o700 });
    expect(refusal([...SERVER, '--token-file', folder])).toContain('not a regular file');
    expect(refusal([...SERVER, '--token-file', join(dir, 'missing')])).toContain('ENOENT');
    if (SELF.uid === 0) {
      chownSync(file, 65534, 65534);
      expect(refusal([...SERVER, '--token-file', file])).toContain('owned by uid 65534');
    }
  });

  it('reads --repo NAME=PATH, names a bare --repo PATH after its folder and says so, and --push all or by name', () => {
    const both = readOptions(
      [...SERVER, '--repo', `acme/app=${dir}`, '--repo', '/srv/shop', '--push', 'acme/app'],
      TOKEN,
      SELF,
    );
    expect(both.repos).toEqual([
      { name: 'acme/app', path: dir, pushes: true },
      { name: 'shop', path: '/srv/shop', pushes: false },
    ]);
    expect(both.notes).toEqual([
      'serving /srv/shop as "shop" (its folder\'s name; --repo NAME=PATH names it)',
    ]);
    // `--push` without a name, followed by another option: every repository.
    const all = readOptions(
      ['--push', ...SERVER, '--repo', 'a=/srv/a', '--repo', 'b=relative'],
      TOKEN,
      SELF,
    );
    expect(all.repos).toEqual([
      { name: 'a', path: '/srv/a', pushes: true },
      { name: 'b', path: resolve('relative'), pushes: true },
    ]);
    // Split at the first "=" only, and only when what is left of it is a repository name.
    expect(readOptions([...SERVER, '--repo', 'web=/srv/a=b'], TOKEN, SELF).repos).toEqual([
      { name: 'web', path: '/srv/a=b', pushes: false },
    ]);
    expect(refusal([...SERVER, '--repo', '/srv/a=b'])).toContain(
      '--repo /srv/a=b: repository name "a=b" is not',
    );
  });

  it.each([
    [['--repo', 'a=/x', '--repo', 'a=/y'], 'repository named twice: a'],
    [['--repo', 'a=/x', '--push', 'b'], '--push b: no repository by that name (served: a)'],
    [['--repo', 'a='], '--repo a=: no path after "="'],
    [['--repo', '/srv/.hidden'], 'name it with --repo NAME=PATH'],
    [['--min-free-disk', 'lots'], '--min-free-disk'],
    [['--agent-user', 'bad name'], '--agent-user "bad name" is not a user name'],
    [['--unknown'], "Unknown option '--unknown'"],
  ])('refuses %j naming %s', (argv, named) => {
    expect(refusal([...SERVER, ...argv])).toContain(named);
  });

  it('refuses --agent-user unless the runner runs as root, saying why', () => {
    expect(refusal([...SERVER, '--agent-user', 'nobody'], TOKEN, { uid: 1000 })).toBe(
      '--agent-user needs the runner to run as root (it runs as uid 1000): it starts each agent as nobody and hands that user its clone',
    );
    const asRoot = readOptions([...SERVER, '--agent-user', 'nobody'], TOKEN, { uid: 0 });
    expect(asRoot.agentUser).toBe('nobody');
  });

  it.each([
    [['--command', 'a'], '--server'],
    [['--server', 'http://hq.test'], '--command'],
    [['--server', 'http://hq.test', '--command', 'a', '--concurrency', '0'], '--concurrency'],
    [['--server', 'http://hq.test', '--executor', 'openai'], 'API key'],
    [['--server', 'http://hq.test', '--executor', 'magic', '--command', 'a'], '--executor'],
  ])('refuses %j naming %s', (argv, named) => {
    expect(refusal(argv, TOKEN)).toContain(named);
  });

  it('refuses a token that is not a runner token', () => {
    expect(refusal(SERVER, { HQ_RUNNER_TOKEN: 'nope' })).toContain(
      'the token must be a runner token (hqr_...)',
    );
  });

  it.each(['claude-code', 'codex', 'gemini', 'opencode', 'aider'])(
    'takes --executor %s as the fallback without a --command',
    (name) => {
      const options = readOptions(['--server', 'http://hq.test', '--executor', name], TOKEN, SELF);
      expect(options).toMatchObject({ executor: name, command: '' });
    },
  );

  it('says in --help how the token is given, which executors there are and how a CLI gets its credentials', () => {
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
    expect(usage).toMatch(/HQ_RUNNER_TOKEN=hqr_\.\.\. in the environment, or --token-file PATH/);
    expect(usage).toMatch(/Not --token, nor "token" in a config file: both are refused/);
    expect(usage).not.toMatch(/^\s+--token TOKEN/m);
    for (const option of [
      '--repo NAME=PATH',
      '--push [NAME]',
      '--work-dir PATH',
      '--min-free-disk MB',
      '--agent-user NAME',
      'gc [--work-dir PATH]',
    ])
      expect(usage).toContain(option);
  });

  it('says its own version with --version: the package’s, the one it tells HQ', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(root, 'runner/cli.ts'), '--version'],
      { cwd: root },
    );
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(stdout).toBe(`${pkg.version}\n`);
    expect(RUNNER_VERSION).toBe(pkg.version);
  });
});
