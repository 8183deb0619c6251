// What the runner reports of a served repository: its default branch's tracked files (cut at
// 5,000, the real count kept) and head, read from the branch itself whatever the served
// folder has checked out. Real git in temporary repositories.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defaultBranch,
  MAX_SNAPSHOT_BYTES,
  MAX_SNAPSHOT_FILES,
  takeSnapshot,
} from '../../runner/repo-snapshot';
import { type TempRepo, tempRepo } from '../support/hq-api';

const made: TempRepo[] = [];
const repo = () => {
  const r = tempRepo('hq-snapshot-');
  made.push(r);
  return r;
};
const commit = (r: TempRepo, message: string) =>
  r.git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', message);

afterAll(() => {
  for (const r of made) rmSync(r.dir, { recursive: true, force: true });
});

describe('the runner’s repository snapshot', () => {
  it('lists the default branch, not what the folder has checked out', async () => {
    const r = repo();
    mkdirSync(join(r.dir, 'src/search'), { recursive: true });
    writeFileSync(join(r.dir, 'src/search/api.ts'), 'export {};\n');
    writeFileSync(join(r.dir, 'with space.txt'), 'x\n');
    r.git('add', '.');
    commit(r, 'search');
    const main = r.git('rev-parse', 'main');
    r.git('checkout', '-q', '-b', 'feature');
    writeFileSync(join(r.dir, 'feature-only.ts'), 'x\n');
    r.git('add', '.');
    commit(r, 'feature');
    expect(await defaultBranch(r.dir)).toBe('main');
    expect(await takeSnapshot(r.dir)).toEqual({
      branch: 'main',
      headCommit: main,
      files: ['README.md', 'src/search/api.ts', 'with space.txt'],
      fileCount: 3,
    });
  });

  it('sends at most 5,000 paths and says how many there are', async () => {
    const r = repo();
    const many = join(r.dir, 'many');
    mkdirSync(many);
    for (let i = 0; i < MAX_SNAPSHOT_FILES + 3; i++) writeFileSync(join(many, `f${i}.txt`), '');
    r.git('add', '.');
    commit(r, 'many');
    const snapshot = await takeSnapshot(r.dir);
    expect(snapshot?.files).toHaveLength(MAX_SNAPSHOT_FILES);
    expect(snapshot?.fileCount).toBe(MAX_SNAPSHOT_FILES + 4);
  });

  it('stays under HQ’s body limit when paths are long', async () => {
    const r = repo();
    const deep = join(r.dir, 'd'.repeat(200), 'e'.repeat(200), 'f'.repeat(200));
    mkdirSync(deep, { recursive: true });
    for (let i = 0; i < 2_000; i++) writeFileSync(join(deep, `${'g'.repeat(200)}-${i}`), '');
    r.git('add', '.');
    commit(r, 'long paths');
    const snapshot = await takeSnapshot(r.dir);
    expect(snapshot?.fileCount).toBe(2_001);
    expect(JSON.stringify(snapshot).length).toBeLessThan(MAX_SNAPSHOT_BYTES + 1_000);
    expect(snapshot?.files.length).toBeLessThan(2_001);
  });

  it('reports nothing for a repository without a commit', async () => {
    const r = repo();
    const empty = join(r.dir, 'empty');
    mkdirSync(empty);
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: empty });
    expect(await takeSnapshot(empty)).toBeNull();
  });
});
