// The runner's side of inline review comments: the prompt quotes each comment with its file,
// lines, author and code; the report's round hunks come from a real `git diff -U0` between
// the claim's head and the new one, and decide (with the worker's own rule) which comments
// the round touched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Claim } from '../../runner/api';
import { taskPrompt } from '../../runner/env';
import { roundHunks } from '../../runner/git/round-hunks';
import { touches } from '../../worker/reviews/comments/touches';

const claim: Claim = {
  timeoutSeconds: 300,
  task: {
    id: 'task-1',
    title: 'Add the limiter',
    spec: 'Answer 429.',
    expectedScope: ['src/**'],
    branch: 'hq/task-1',
    baseBranch: 'main',
    reviewComments: null,
    runs: 2,
    headCommit: 'c'.repeat(40),
    headPushed: false,
    inlineComments: [
      {
        path: 'src/limit.ts',
        line: 12,
        endLine: 14,
        side: 'new',
        body: 'Use the shared clock.',
        context: '    11   let n = 0;\n>   12 + const now = Date.now();',
        author: 'ana@acme.dev',
      },
      {
        path: 'src/old.ts',
        line: 3,
        endLine: 3,
        side: 'old',
        body: 'Keep this check.',
        context: '>    3 - if (!ok) throw err;',
        author: 'agent:rex',
      },
    ],
  },
  mission: { id: 'm', title: '', brief: '', repository: 'acme/app', targetBranch: 'main' },
  agent: null,
};

describe('inline review comments in the runner', () => {
  it('quotes each comment in the prompt with its file, lines, author, body and code', () => {
    expect(taskPrompt(claim)).toBe(
      `${[
        'Task: Add the limiter',
        'Answer 429.',
        'Change only files matching: src/**',
        [
          'Review comments on the code:',
          'src/limit.ts:12-14 (ana@acme.dev): Use the shared clock.\n```\n    11   let n = 0;\n>   12 + const now = Date.now();\n```',
          'src/old.ts:3 (removed lines) (agent:rex): Keep this check.\n```\n>    3 - if (!ok) throw err;\n```',
        ].join('\n\n'),
      ].join('\n\n')}\n`,
    );
    // No comments (or an HQ that sends none): no section.
    const { inlineComments: _, ...task } = claim.task;
    expect(taskPrompt({ ...claim, task })).not.toContain('Review comments on the code');
  });

  const repo = mkdtempSync(join(tmpdir(), 'hq-round-hunks-'));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd: repo,
      encoding: 'utf8',
    }).trim();
  const lines = (...text: string[]) => `${text.join('\n')}\n`;

  it('reads the round’s hunks (old side) from a real git diff -U0 of the two heads', async () => {
    git('init', '-q', '-b', 'main');
    writeFileSync(
      join(repo, 'a.ts'),
      lines('one', 'two', 'three', 'four', 'five', '-- x', 'seven'),
    );
    writeFileSync(join(repo, 'gone.ts'), lines('g1', 'g2'));
    writeFileSync(join(repo, 'kept.ts'), lines('k1'));
    git('add', '.');
    git('commit', '-qm', 'the last round');
    const previous = git('rev-parse', 'HEAD');
    // Line 3 rewritten, a line inserted after line 4, line 6 (`-- x`) removed; gone.ts deleted,
    // new.ts added, kept.ts untouched.
    writeFileSync(join(repo, 'a.ts'), lines('one', 'two', 'THREE', 'four', 'new', 'five', 'seven'));
    unlinkSync(join(repo, 'gone.ts'));
    writeFileSync(join(repo, 'new.ts'), lines('n1'));
    git('add', '-A');
    git('commit', '-qm', 'this round');
    const next = git('rev-parse', 'HEAD');

    const hunks = await roundHunks(repo, previous, next);
    expect(hunks).toEqual([
      { path: 'a.ts', oldStart: 3, oldLines: 1 },
      { path: 'a.ts', oldStart: 4, oldLines: 0 },
      { path: 'a.ts', oldStart: 6, oldLines: 1 },
      { path: 'gone.ts', oldStart: 1, oldLines: 2 },
      { path: 'new.ts', oldStart: 0, oldLines: 0 },
    ]);
    // With the worker's rule: which comments on the last round's lines this round touched.
    const touched = (path: string, line: number, end = line) =>
      touches(hunks ?? [], path, line, end);
    expect(touched('a.ts', 3)).toBe(true);
    expect(touched('a.ts', 1, 2)).toBe(false);
    expect(touched('a.ts', 5)).toBe(true); // the insertion lands right before line 5
    expect(touched('a.ts', 4)).toBe(true); // ... and right after line 4
    expect(touched('a.ts', 7)).toBe(false);
    expect(touched('gone.ts', 2)).toBe(true);
    expect(touched('kept.ts', 1)).toBe(false);
  });

  it('says nothing (null) without a previous head, or one the repository does not hold', async () => {
    const head = git('rev-parse', 'HEAD');
    expect(await roundHunks(repo, null, head)).toBeNull();
    expect(await roundHunks(repo, 'd'.repeat(40), head)).toBeNull();
  });
});
