import { describe, expect, it } from 'vitest';
import { filesLike, fitScope } from '../../../worker/ceo/drafts/scopes';

// A draft's scopes against the files a runner reported: kept, fixed, or dropped, each said.

const FILES = ['README.md', 'src/a/util.ts', 'src/b/util.ts', 'src/search/api.ts', 'docs/x.md'];

describe('fitting a drafted scope to the real files', () => {
  it('keeps globs that match, and says nothing of them', () => {
    expect(fitScope(['src/**/*.ts', 'README.md'], FILES)).toEqual({
      scope: ['src/**/*.ts', 'README.md'],
      notes: [],
    });
  });

  it('fixes a leading ./ or trailing /, a bare folder, and a file named without its folder', () => {
    expect(fitScope(['./README.md', 'docs/', 'src/search', 'api.ts'], FILES)).toEqual({
      scope: ['README.md', 'docs/**', 'src/search/**', 'src/search/api.ts'],
      notes: [
        '"./README.md" → "README.md" (written without ./ or /)',
        '"docs/" → "docs/**" (a folder)',
        '"src/search" → "src/search/**" (a folder)',
        '"api.ts" → "src/search/api.ts" (the one file of that name)',
      ],
    });
  });

  it('drops a name two files share, a wildcard that matches nothing, and unknown folders', () => {
    expect(fitScope(['util.ts', 'lib/**', 'nope/new.ts', 'src/search/limit.ts'], FILES)).toEqual({
      scope: ['src/search/limit.ts'],
      notes: [
        'dropped "util.ts": it matches no file of the repository',
        'dropped "lib/**": it matches no file of the repository',
        'dropped "nope/new.ts": it matches no file of the repository',
        'kept "src/search/limit.ts": a new file in an existing folder',
      ],
    });
  });

  it('lists files by glob or substring, capped', () => {
    expect(filesLike(FILES, 'util', 1)).toEqual({ shown: ['src/a/util.ts'], total: 2 });
    expect(filesLike(FILES, '*.md', 10)).toEqual({ shown: ['README.md'], total: 1 });
    expect(filesLike(FILES, '', 2).total).toBe(5);
  });
});
