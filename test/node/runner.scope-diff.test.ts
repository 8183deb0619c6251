// The scope diff HQ checks a task against (runner/git/diff.ts), on a real repository: a move
// out of a folder names both paths, links, modes and odd file names come through as they are.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scopeDiff } from '../../runner/git/diff';

const repo = mkdtempSync(join(tmpdir(), 'hq-scope-diff-'));
afterAll(() => rmSync(repo, { recursive: true, force: true }));
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd: repo,
    encoding: 'utf8',
  }).trim();
const write = (path: string, text: string | Buffer) => {
  mkdirSync(join(repo, path, '..'), { recursive: true });
  writeFileSync(join(repo, path), text);
};

git('init', '-q', '-b', 'main');
write('secret/keys.txt', 'k1\nk2\nk3\n');
write('run.sh', 'echo hi\n');
write('data.bin', Buffer.from([0, 1, 2, 0]));
git('add', '.');
git('commit', '-qm', 'base');

/** A task branch from main with the given changes committed. */
function branch(name: string, change: () => void) {
  git('checkout', '-q', '-b', name, 'main');
  change();
  git('add', '-A');
  git('commit', '-qm', name);
  git('checkout', '-q', 'main');
}

describe('scope diff', () => {
  it('reports a move out of a folder as its deletion and an addition, both paths named', async () => {
    branch('hq/move', () => git('mv', 'secret/keys.txt', 'public.txt'));
    expect(await scopeDiff(repo, 'main', 'hq/move')).toEqual([
      { path: 'public.txt', added: 3, removed: 0, change: 'added', newMode: '100644' },
      { path: 'secret/keys.txt', added: 0, removed: 3, change: 'deleted', oldMode: '100644' },
    ]);
  });

  it('gives a new symbolic link mode 120000 and a file made executable both modes', async () => {
    branch('hq/modes', () => {
      symlinkSync('/etc/passwd', join(repo, 'link'));
      chmodSync(join(repo, 'run.sh'), 0o755);
    });
    expect(await scopeDiff(repo, 'main', 'hq/modes')).toEqual([
      { path: 'link', added: 1, removed: 0, change: 'added', newMode: '120000' },
      {
        path: 'run.sh',
        added: 0,
        removed: 0,
        change: 'modified',
        oldMode: '100644',
        newMode: '100755',
      },
    ]);
  });

  it('keeps a path with a tab, a newline and spaces whole, and counts a binary file 0/0', async () => {
    const odd = 'src/we\tird\nname .txt';
    branch('hq/odd', () => {
      write(odd, 'one\ntwo\n');
      write('data.bin', Buffer.from([0, 9, 9, 0]));
    });
    expect(await scopeDiff(repo, 'main', 'hq/odd')).toEqual([
      {
        path: 'data.bin',
        added: 0,
        removed: 0,
        change: 'modified',
        oldMode: '100644',
        newMode: '100644',
      },
      { path: odd, added: 2, removed: 0, change: 'added', newMode: '100644' },
    ]);
  });

  it('reports a file replaced by a link as type-changed', async () => {
    branch('hq/type', () => {
      rmSync(join(repo, 'run.sh'));
      symlinkSync('data.bin', join(repo, 'run.sh'));
    });
    expect(await scopeDiff(repo, 'main', 'hq/type')).toEqual([
      {
        path: 'run.sh',
        added: 1,
        removed: 1,
        change: 'type-changed',
        oldMode: '100644',
        newMode: '120000',
      },
    ]);
  });

  it('diffs against the merge base: what moved on the base since is not the task’s', async () => {
    git('checkout', '-q', 'main');
    write('later.txt', 'on main\n');
    git('add', '.');
    git('commit', '-qm', 'main moves on');
    expect((await scopeDiff(repo, 'main', 'hq/move')).map((e) => e.path)).toEqual([
      'public.txt',
      'secret/keys.txt',
    ]);
  });
});
