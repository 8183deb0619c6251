import { describe, expect, it } from 'vitest';
import { outOfScope } from '../../../worker/tasks/scope';

describe('scope check globs', () => {
  it.each([
    ['src/**', 'src/a.ts', true],
    ['src/**', 'src/deep/er/a.ts', true],
    ['src/**', 'srcx/a.ts', false],
    ['src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src/deep/a.ts', false],
    ['**/*.md', 'README.md', true],
    ['**/*.md', 'docs/guide/intro.md', true],
    ['test/?.ts', 'test/a.ts', true],
    ['test/?.ts', 'test/ab.ts', false],
    ['package.json', 'package.json', true],
    ['a.b', 'axb', false],
  ])('%s covers %s: %s', (glob, path, covered) => {
    expect(outOfScope([path], [glob])).toEqual(covered ? [] : [path]);
  });

  it('flags only the paths no glob covers', () => {
    expect(outOfScope(['src/a.ts', './docs/x.md', 'package.json'], ['src/**', 'docs/**'])).toEqual([
      'package.json',
    ]);
  });
});
