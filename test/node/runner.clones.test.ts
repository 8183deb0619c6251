// A clone per run (runner/clones/): where it starts, that an agent's ref changes stay in it,
// that it is gone afterwards, and that leftovers of dead runners are collected.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { countClones, removeLeftovers } from '../../runner/clones/leftovers';
import { openWorkspace, type WorkspaceTask } from '../../runner/clones/workspace';
import { runnerRepo, TASK } from '../support/runner-repo';

const { root, repo, workDir, clones, git, gitIn, remove } = runnerRepo('hq-clones-');
afterAll(remove);

const task = (extra: Partial<WorkspaceTask> = {}): WorkspaceTask => ({
  id: TASK,
  branch: `hq/${TASK}`,
  baseBranch: 'main',
  headCommit: null,
  headPushed: false,
  ...extra,
});

/** A commit on a branch of the runner's repository, made without touching its checkout. */
function commitOn(branch: string, from: string, file: string): string {
  const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], {
    cwd: repo.path,
    input: `${file}\n`,
    encoding: 'utf8',
  }).trim();
  const tree = execFileSync('git', ['mktree'], {
    cwd: repo.path,
    input: `100644 blob ${blob}\t${file}\n`,
    encoding: 'utf8',
  }).trim();
  const commit = git('commit-tree', tree, '-p', from, '-m', file);
  git('update-ref', `refs/heads/${branch}`, commit);
  return commit;
}

describe('a clone per run', () => {
  it('starts a first round from the base, outside the repository, with no way back into it but its objects', async () => {
    const ws = await openWorkspace(clones, repo, task(), null);
    expect(ws.dir).toBe(join(workDir, 'acme%2Fapp', TASK));
    expect(ws.note).toBeNull();
    expect(gitIn(ws.dir, 'symbolic-ref', 'HEAD')).toBe(`refs/heads/hq/${TASK}`);
    expect(gitIn(ws.dir, 'rev-parse', 'HEAD')).toBe(git('rev-parse', 'main'));
    expect(readFileSync(join(ws.dir, 'README.md'), 'utf8')).toBe('# demo\n');
    expect(gitIn(ws.dir, 'remote')).toBe('');
    expect(readFileSync(join(ws.dir, '.git/objects/info/alternates'), 'utf8').trim()).toBe(
      join(repo.path, '.git/objects'),
    );
    expect(readFileSync(ws.owner, 'utf8').trim()).toBe(String(process.pid));
    await clones.remove(repo.name, TASK);
    expect([existsSync(ws.dir), existsSync(ws.owner), existsSync(ws.home)]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it("continues a later round from the runner's own hq/<task> when it is the reported head", async () => {
    const head = commitOn(`hq/${TASK}`, git('rev-parse', 'main'), 'round-one.txt');
    const ws = await openWorkspace(clones, repo, task({ headCommit: head }), null);
    expect(ws.note).toBeNull();
    expect(gitIn(ws.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(existsSync(join(ws.dir, 'round-one.txt'))).toBe(true);
    // The base is there too, for the agent to diff against.
    expect(gitIn(ws.dir, 'rev-parse', 'main')).toBe(git('rev-parse', 'main'));
    await clones.remove(repo.name, TASK);
  });

  it('fetches a pushed head from origin when its own ref is not it, and else starts from the base saying why', async () => {
    const reported = commitOn('elsewhere', git('rev-parse', 'main'), 'pushed.txt');
    git('update-ref', '-d', `refs/heads/hq/${TASK}`);
    // A real remote that holds the pushed head, as another runner's push would leave it.
    const origin = join(root, 'origin.git');
    execFileSync('git', ['init', '-q', '--bare', origin]);
    git('remote', 'add', 'origin', origin);
    git('push', '-q', 'origin', `${reported}:refs/heads/hq/${TASK}`);
    const pushed = task({ headCommit: reported, headPushed: true });
    const ws = await openWorkspace(clones, { ...repo, pushes: true }, pushed, null);
    expect(gitIn(ws.dir, 'rev-parse', 'HEAD')).toBe(reported);
    expect(git('rev-parse', `hq/${TASK}`)).toBe(reported);
    expect(ws.note).toContain('fetched from origin');
    await clones.remove(repo.name, TASK);

    git('update-ref', `refs/heads/hq/${TASK}`, git('rev-parse', 'main'));
    const lost = await openWorkspace(clones, repo, pushed, null);
    expect(gitIn(lost.dir, 'rev-parse', 'HEAD')).toBe(git('rev-parse', 'main'));
    expect(lost.note).toMatch(
      new RegExp(
        `^starting from the base main, not the last round's ${reported.slice(0, 10)}: .*does not push this repository`,
      ),
    );
    await clones.remove(repo.name, TASK);
  });

  it("leaves the runner's refs alone whatever the agent does to refs in its clone", async () => {
    const other = '11111111-2222-3333-4444-555555555555';
    git('update-ref', `refs/heads/hq/${other}`, git('rev-parse', 'main'));
    const before = git('for-each-ref', '--format=%(refname) %(objectname)');
    const ws = await openWorkspace(clones, repo, task(), null);
    writeFileSync(join(ws.dir, 'evil.txt'), 'x\n');
    gitIn(ws.dir, 'add', '.');
    gitIn(ws.dir, 'commit', '-qm', 'evil');
    const evil = gitIn(ws.dir, 'rev-parse', 'HEAD');
    gitIn(ws.dir, 'update-ref', 'refs/heads/main', evil);
    gitIn(ws.dir, 'branch', '-f', `hq/${other}`, evil);
    expect(gitIn(ws.dir, 'rev-parse', 'main')).toBe(evil);
    expect(git('for-each-ref', '--format=%(refname) %(objectname)')).toBe(before);
    await clones.remove(repo.name, TASK);
  });
});

describe('leftovers', () => {
  it('removes a clone whose owner is dead and keeps one a live runner owns; gc says what it removed', () => {
    const folder = join(workDir, 'acme%2Fapp');
    const dead = spawnSync('true').pid ?? 0;
    const plant = (id: string, pid: number) => {
      mkdirSync(join(folder, id, '.git'), { recursive: true });
      mkdirSync(join(folder, `${id}.home`), { recursive: true });
      writeFileSync(join(folder, `${id}.owner`), `${pid}\n`);
    };
    plant('dead-one', dead);
    plant('live-one', process.pid);
    mkdirSync(join(folder, 'no-owner'));
    return (async () => {
      expect(await countClones(workDir)).toBe(3);
      const removed = await removeLeftovers(workDir);
      expect(removed.sort()).toEqual([join(folder, 'dead-one'), join(folder, 'no-owner')]);
      expect(existsSync(join(folder, 'dead-one.home'))).toBe(false);
      expect(existsSync(join(folder, 'dead-one.owner'))).toBe(false);
      expect(existsSync(join(folder, 'live-one'))).toBe(true);
      expect(await countClones(workDir)).toBe(1);

      plant('dead-two', dead);
      const root = fileURLToPath(new URL('../..', import.meta.url));
      const gc = execFileSync(
        join(root, 'node_modules/.bin/tsx'),
        ['runner/cli.ts', 'gc', '--work-dir', workDir],
        { cwd: root, encoding: 'utf8' },
      );
      expect(gc).toBe(`removed ${join(folder, 'dead-two')}\n1 leftover clone(s) in ${workDir}\n`);
      expect(existsSync(join(folder, 'live-one'))).toBe(true);
    })();
  });
});
