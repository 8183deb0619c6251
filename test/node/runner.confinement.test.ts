import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  listConfined,
  readConfined,
  searchConfined,
  writeConfined,
} from '../../runner/executors/confined-fs';

const base = mkdtempSync(join(tmpdir(), 'hq-confine-'));
const worktree = join(base, 'worktree');
const outside = join(base, 'outside');
mkdirSync(join(worktree, 'src'), { recursive: true });
mkdirSync(join(worktree, '.git'));
mkdirSync(outside);
writeFileSync(join(worktree, 'src/app.ts'), 'export const answer = 42;\n');
writeFileSync(join(worktree, '.git/config'), '[core]\n');
writeFileSync(join(outside, 'secret.txt'), 'TOP SECRET\n');
symlinkSync(outside, join(worktree, 'escape'));
symlinkSync(join(outside, 'secret.txt'), join(worktree, 'src/secret-link.txt'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('openai executor tools stay inside the worktree', () => {
  it('read, write, list and search work inside', async () => {
    expect(await readConfined(worktree, 'src/app.ts')).toContain('42');
    await writeConfined(worktree, 'src/new/deep.ts', 'ok');
    expect(await readConfined(worktree, './src/new/deep.ts')).toBe('ok');
    expect(await listConfined(worktree, 'src')).toContain('app.ts');
    expect(await searchConfined(worktree, 'answer')).toContain('src/app.ts:1');
  });

  it.each([
    ['../outside/secret.txt', 'outside the worktree'],
    ['src/../../outside/secret.txt', 'outside the worktree'],
    [join(outside, 'secret.txt'), 'absolute'],
    ['/etc/passwd', 'absolute'],
    ['escape/secret.txt', 'through a link'],
    ['src/secret-link.txt', 'through a link'],
    ['.git/config', '.git'],
  ])('refuses to read %s', async (path, why) => {
    await expect(readConfined(worktree, path)).rejects.toThrow(why);
  });

  it.each(['../planted.txt', 'escape/planted.txt', '/tmp/planted.txt', '.git/hooks/pre-commit'])(
    'refuses to write %s, and nothing lands outside',
    async (path) => {
      await expect(writeConfined(worktree, path, 'x')).rejects.toThrow();
      await expect(readConfined(outside, 'planted.txt')).rejects.toThrow();
    },
  );

  it('does not follow links while listing or searching', async () => {
    await expect(listConfined(worktree, 'escape')).rejects.toThrow('through a link');
    expect(await searchConfined(worktree, 'TOP SECRET')).toBe('no match');
  });
});
