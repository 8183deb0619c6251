// The diff view's plain parts, without a browser: highlighted lines stay well-formed when a
// token spans lines, split rows pair removals with additions, and the keys' moves.
import { describe, expect, it } from 'vitest';
import { highlightHunk, splitHighlighted } from '../../web/src/tasks/diff/highlight';
import { highlight } from '../../web/src/tasks/diff/hljs';
import { move } from '../../web/src/tasks/diff/keys';
import { foldedAtFirst, languageOf, splitRows } from '../../web/src/tasks/diff/patch';
import { parsePatch } from '../../worker/patches/parse';

const PATCH = [
  'diff --git a/src/a.ts b/src/a.ts',
  '--- a/src/a.ts',
  '+++ b/src/a.ts',
  '@@ -1,5 +1,5 @@',
  ' /* a comment',
  '-   over two lines */',
  '+   over three lines */',
  ' const x = 1;',
  '-const y = 2;',
  '-const z = 3;',
  '+const y = 20;',
  '',
].join('\n');

describe('the diff view’s parts', () => {
  it('cuts highlighted HTML into lines that each close the spans they open', () => {
    const html = highlight('typescript', '/* one\n two */\nconst a = `x\ny`;');
    const lines = splitHighlighted(html);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('<span class="hljs-comment">/* one</span>');
    expect(lines[1]).toBe('<span class="hljs-comment"> two */</span>');
    expect(lines[2]).toMatch(
      /^<span class="hljs-keyword">const<\/span> a = <span class="hljs-string">`x<\/span>$/,
    );
    expect(lines[3]).toBe('<span class="hljs-string">y`</span>;');
    // Text is escaped, and an unknown language is plain escaped text.
    expect(highlight('typescript', 'a < b')).toBe('a &lt; b');
    expect(highlight('cobol', '<b>')).toBe('&#60;b&#62;');
  });

  it('colours each side of a hunk as one text, context lines with the head’s colours', () => {
    const hunk = parsePatch(PATCH).files[0]?.hunks[0];
    if (!hunk) throw new Error('no hunk');
    const html = highlightHunk(highlight, 'typescript', hunk);
    const of = (text: string) => html.get(hunk.lines.find((l) => l.text === text) as never);
    // The removed line is inside the base's comment, the added one inside the head's.
    expect(of('   over two lines */')).toBe(
      '<span class="hljs-comment">   over two lines */</span>',
    );
    expect(of('   over three lines */')).toBe(
      '<span class="hljs-comment">   over three lines */</span>',
    );
    expect(of('const y = 20;')).toContain('<span class="hljs-number">20</span>');
  });

  it('pairs each run of removed lines with the added lines after it in split rows', () => {
    const hunk = parsePatch(PATCH).files[0]?.hunks[0];
    const rows = splitRows(hunk?.lines ?? []).map((r) => [
      r.old?.oldLine ?? null,
      r.new?.newLine ?? null,
    ]);
    expect(rows).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, null],
    ]);
  });

  it('moves n/p by file and j/k by hunk, a folded file being one stop', () => {
    const stops = [
      { file: 0, hunk: 0 },
      { file: 0, hunk: 1 },
      { file: 1, hunk: -1 },
      { file: 2, hunk: 0 },
    ];
    expect(move(stops, null, 'n')).toEqual({ file: 0, hunk: 0 });
    expect(move(stops, null, 'j')).toEqual({ file: 0, hunk: 0 });
    expect(move(stops, { file: 0, hunk: 1 }, 'n')).toEqual({ file: 1, hunk: -1 });
    expect(move(stops, { file: 0, hunk: 1 }, 'j')).toEqual({ file: 1, hunk: -1 });
    expect(move(stops, { file: 2, hunk: 0 }, 'p')).toEqual({ file: 1, hunk: -1 });
    expect(move(stops, { file: 1, hunk: -1 }, 'p')).toEqual({ file: 0, hunk: 0 });
    expect(move(stops, { file: 2, hunk: 0 }, 'n')).toEqual({ file: 2, hunk: 0 });
    expect(move(stops, { file: 0, hunk: 0 }, 'k')).toEqual({ file: 0, hunk: 0 });
    expect(move(stops, { file: 0, hunk: 0 }, 'x')).toBeNull();
  });

  it('knows languages by extension and folds binary and very large files', () => {
    expect(languageOf('web/src/App.tsx')).toBe('typescript');
    expect(languageOf('deploy/values.YML')).toBe('yaml');
    expect(languageOf('Makefile')).toBeNull();
    expect(languageOf('.gitignore')).toBeNull();
    const big = parsePatch(
      `diff --git a/b b/b\n--- /dev/null\n+++ b/b\n@@ -0,0 +1,401 @@\n${'+x\n'.repeat(401)}`,
    ).files[0];
    expect(big && foldedAtFirst(big)).toBe(true);
    const binary = parsePatch(
      'diff --git a/l.bin b/l.bin\nBinary files /dev/null and b/l.bin differ\n',
    );
    expect(binary.files[0] && foldedAtFirst(binary.files[0])).toBe(true);
    expect(parsePatch(PATCH).files[0] && foldedAtFirst(parsePatch(PATCH).files[0]!)).toBe(false);
  });
});
