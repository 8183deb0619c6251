import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReviewClaim } from '../../runner/api';
import { readVerdict, reviewPrompt } from '../../runner/review/prompt';

const dir = mkdtempSync(join(tmpdir(), 'hq-verdict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('the reviewer’s review.json, as the runner reads it', () => {
  it('takes the verdict, summary and well-formed comments; drops comments HQ could not take', async () => {
    const path = file(
      'ok.json',
      JSON.stringify({
        verdict: 'changes',
        summary: 'Two things.',
        comments: [
          { path: 'src/a.ts', line: 3, endLine: 5, side: 'new', body: 'Name it.' },
          { path: 'src/a.ts', line: 0, body: 'line 0 is no line' },
          { path: 'src/b.ts', line: 2, body: '   ' },
          { path: 'src/c.ts', line: 1, endLine: 1.5, side: 'sideways', body: 'Kept, plainer.' },
        ],
      }),
    );
    expect(await readVerdict(path)).toEqual({
      verdict: 'changes',
      summary: 'Two things.',
      comments: [
        { path: 'src/a.ts', line: 3, endLine: 5, side: 'new', body: 'Name it.' },
        { path: 'src/c.ts', line: 1, body: 'Kept, plainer.' },
      ],
    });
  });

  it('says why there is no verdict: no file, not JSON, no verdict field', async () => {
    expect(await readVerdict(join(dir, 'none.json'))).toEqual({
      problem: 'the reviewer wrote no verdict (review.json missing)',
    });
    expect(await readVerdict(file('bad.json', '{verdict'))).toMatchObject({
      problem: expect.stringContaining('review.json is not JSON'),
    });
    expect(await readVerdict(file('maybe.json', '{"verdict":"maybe"}'))).toEqual({
      problem:
        'the reviewer wrote no verdict (review.json needs "verdict": "approve" or "changes")',
    });
  });

  it('the prompt carries the spec, the scope result, the patch and how to answer', () => {
    const claim = {
      job: { id: 'j', taskId: 't', headCommit: 'c'.repeat(40) },
      task: {
        title: 'Add a flag',
        spec: 'Add --flag.',
        expectedScope: ['src/**'],
        scopeViolations: ['package.json'],
        numstat: [],
      },
      mission: { title: 'Flags', brief: 'We want flags.', repository: 'acme/app' },
      patch: { text: 'diff --git a/src/a.ts b/src/a.ts\n+flag\n', truncated: false, fullBytes: 40 },
      timeoutSeconds: 60,
    } as unknown as ReviewClaim;
    const prompt = reviewPrompt(claim);
    for (const part of [
      'Task: Add a flag',
      'Add --flag.',
      'Expected scope: src/**',
      'Outside the expected scope: package.json',
      '+flag',
      'review.json',
      'HQ_REVIEW_FILE',
    ])
      expect(prompt).toContain(part);
  });
});
