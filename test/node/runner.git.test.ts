import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitsSince } from '../../runner/git/history';

const repo = mkdtempSync(join(tmpdir(), 'hq-git-'));
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd: repo,
    encoding: 'utf8',
  }).trim();
const commitFile = (branch: string, file: string, text: string) => {
  git('checkout', '-q', branch);
  writeFileSync(join(repo, file), text);
  git('add', file);
  git('commit', '-qm', `${branch}: ${file}`);
};
afterAll(() => rmSync(repo, { recursive: true, force: true }));

git('init', '-q', '-b', 'main');
writeFileSync(join(repo, 'shared.txt'), 'one\ntwo\nthree\n');
git('add', '.');
git('commit', '-qm', 'initial');

describe('runner git plumbing on a real repository', () => {
  it('reports the commits of a branch against its base', async () => {
    git('branch', 'hq/a', 'main');
    commitFile('hq/a', 'new.txt', 'hello\n');
    expect(await commitsSince(repo, 'main', 'hq/a')).toEqual([git('rev-parse', 'hq/a')]);
  });
});
