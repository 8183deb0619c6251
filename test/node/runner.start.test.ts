// What the runner checks before it serves (runner/start.ts) and the disk it claims with
// (runner/disk.ts), on real repositories and folders.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskGate } from '../../runner/disk';
import { readOptions } from '../../runner/options';
import { Progress } from '../../runner/progress';
import { StartError, startChecks } from '../../runner/start';
import { runnerRepo } from '../support/runner-repo';

const { root, repo, workDir, git, remove } = runnerRepo('hq-start-');
afterAll(remove);

/** The runner's options for these arguments, with its console captured. */
function setUp(...argv: string[]) {
  const cli = readOptions(
    ['--server', 'http://hq.test', '--command', 'a', '--work-dir', workDir, ...argv],
    { HQ_RUNNER_TOKEN: 'hqr_x' },
    { uid: process.getuid?.() ?? 0 },
  );
  const out = new PassThrough();
  let said = '';
  out.on('data', (c: Buffer) => (said += c.toString()));
  return { cli, progress: new Progress(out), said: () => said };
}

describe('runner start', () => {
  it("serves a repository, clears an older runner's worktrees and dead runners' clones, and says agents run as itself", async () => {
    mkdirSync(join(repo.gitDir, 'hq-worktrees', 'old-task'), { recursive: true });
    const leftover = join(workDir, 'acme%2Fapp', 'dead-task');
    mkdirSync(leftover, { recursive: true });
    writeFileSync(`${leftover}.owner`, '999999999\n');
    const { cli, progress, said } = setUp('--repo', `acme/app=${repo.path}`);
    const started = await startChecks(cli, progress);
    expect(started.repos.get('acme/app')).toEqual({
      name: 'acme/app',
      path: repo.path,
      gitDir: repo.gitDir,
      pushes: false,
    });
    expect(started.agentUser).toBeNull();
    expect(existsSync(join(repo.gitDir, 'hq-worktrees'))).toBe(false);
    expect(existsSync(leftover)).toBe(false);
    expect(said()).toContain('removed 1 clone(s) left by runners no longer running');
    expect(said()).toContain(
      `agents run as this runner's own user (uid ${process.getuid?.()}): they can read whatever it can, its token included`,
    );
  });

  it('refuses to push a repository without an origin, and serves it once it has one', async () => {
    const { cli, progress } = setUp('--repo', `acme/app=${repo.path}`, '--push');
    await expect(startChecks(cli, progress)).rejects.toThrow(
      new StartError(
        `--push: repository acme/app (${repo.path}) has no origin remote to push to; add one (git remote add origin URL) or leave it out of --push`,
      ),
    );
    git('remote', 'add', 'origin', join(root, 'nowhere.git'));
    expect((await startChecks(cli, progress)).repos.get('acme/app')?.pushes).toBe(true);
    git('remote', 'remove', 'origin');
  });

  it('refuses a path that is no repository, or a folder inside one', async () => {
    const plain = join(root, 'plain');
    mkdirSync(plain);
    const { cli, progress } = setUp('--repo', `x=${plain}`);
    await expect(startChecks(cli, progress)).rejects.toThrow(
      `--repo x=${plain}: not a git repository`,
    );
    mkdirSync(join(repo.path, 'sub'));
    const inside = setUp('--repo', `x=${join(repo.path, 'sub')}`);
    await expect(startChecks(inside.cli, inside.progress)).rejects.toThrow(
      'a folder inside a repository, not its top folder',
    );
  });

  it('refuses a work folder others can write in', async () => {
    const { cli, progress } = setUp('--repo', `acme/app=${repo.path}`);
    chmodSync(workDir, 0o777);
    try {
      await expect(startChecks(cli, progress)).rejects.toThrow(`others can write in ${workDir}`);
    } finally {
      chmodSync(workDir, 0o755);
    }
  });

  it.runIf(process.getuid?.() === 0)('checks an agent user and says agents run as it', async () => {
    const { cli, progress, said } = setUp(
      '--repo',
      `acme/app=${repo.path}`,
      '--agent-user',
      'nobody',
    );
    expect((await startChecks(cli, progress)).agentUser).toMatchObject({
      name: 'nobody',
      uid: 65534,
    });
    expect(said()).toContain(
      'agents run as nobody (uid 65534), each in its own clone with a fresh HOME',
    );
    const missing = setUp('--repo', `acme/app=${repo.path}`, '--agent-user', 'no-such-user-x');
    await expect(startChecks(missing.cli, missing.progress)).rejects.toThrow(
      '--agent-user no-such-user-x: no such user on this machine',
    );
  });
});

describe('disk', () => {
  it('counts clones, and below the minimum says so once, not on every check', async () => {
    mkdirSync(join(workDir, 'acme%2Fapp', 'a-clone'), { recursive: true });
    mkdirSync(join(workDir, 'acme%2Fapp', 'a-clone.home'), { recursive: true });
    const said: string[] = [];
    const short = new DiskGate(workDir, Number.MAX_SAFE_INTEGER, (line) => said.push(line));
    const first = await short.check();
    await short.check();
    expect(first.enough).toBe(false);
    expect(first.disk.clones).toBe(1);
    expect(first.disk.freeBytes).toBeGreaterThan(0);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      / MB free in .*, under --min-free-disk .*: claiming nothing, looking again every 30 s$/,
    );
    const roomy = new DiskGate(workDir, 0, (line) => said.push(line));
    expect((await roomy.check()).enough).toBe(true);
    expect(said).toHaveLength(1);
  });
});
