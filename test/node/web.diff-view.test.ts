// The diff view in a real browser, on the patch a real runner round uploaded: the runner CLI
// with the stand-in `command` executor changes several files (one over the fold size, one
// binary, one outside scope, one so large the runner cuts the patch before it), and the task
// page draws the file list, hunks with line numbers, unified/split, syntax colours from the
// lazily loaded highlighter, folding, the cut note and keyboard moves; the review queue
// expands a row to the same view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReviewRound, reviewRound } from '../support/review-round';
import { type SignedIn, startSignedIn } from '../support/signed-in';

let session: SignedIn;
let page: SignedIn['page'];
let round: ReviewRound | undefined;

// What the "agent" does: two separate changes in src/app.ts (two hunks), a new JSON file, a
// 500-line file (folded), a binary file, a line outside scope, and 1.3 MB the patch cannot hold.
const AGENT = [
  'cat > /dev/null',
  "sed -i 's/value5 = 5;/value5 = 500;/; s/value35 = 35;/value35 = 3500;/' src/app.ts",
  "printf 'export function sum(a: number, b: number): number {\\n  return a + b;\\n}\\n' >> src/app.ts",
  'printf \'{\\n  "name": "demo",\\n  "version": 2\\n}\\n\' > src/config.json',
  "seq 1 500 | sed 's/.*/export const n& = &;/' > src/big.ts",
  "printf '\\000\\001\\002\\377' > src/logo.bin",
  'echo outside >> README.md',
  "head -c 1300000 /dev/zero | tr '\\000' x | fold -w 100 > src/zz-huge.txt",
  'git add -A && git -c user.name=agent -c user.email=a@a commit -qm "$HQ_TASK_TITLE"',
].join(' && ');

const file = (path: string) => page.locator(`[data-testid="diff-file"][data-path="${path}"]`);
const current = () =>
  page.locator('[data-testid="diff-file"][aria-current="true"]').getAttribute('data-path');
const inView = (selector: string) =>
  page.locator(selector).evaluate((el) => {
    const box = el.getBoundingClientRect();
    return box.top >= 0 && box.top < window.innerHeight;
  });

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local', { width: 1400, height: 900 });
  page = session.page;
}, 120_000);

afterAll(async () => {
  await round?.end();
  await session?.close();
});

describe('the diff view of a real run', () => {
  it('runs a round whose patch holds several files and is cut before the largest', async () => {
    // The base: forty numbered lines, for changes far enough apart to be two hunks.
    const lines = Array.from({ length: 40 }, (_, i) => `export const value${i + 1} = ${i + 1};`);
    round = await reviewRound(session, {
      title: 'Diff task',
      agent: AGENT,
      files: { 'src/app.ts': `${lines.join('\n')}\n` },
    });
    const { task } = round;
    expect(task.diffNumstat.map((f) => f.path)).toEqual([
      'README.md',
      'src/app.ts',
      'src/big.ts',
      'src/config.json',
      'src/logo.bin',
      'src/zz-huge.txt',
    ]);
  }, 150_000);

  it('fetches no highlighter on the board; the task page fetches it and draws without CSP errors', async () => {
    const requested: string[] = [];
    const refused: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on(
      'console',
      (m) => m.text().includes('Content Security Policy') && refused.push(m.text()),
    );
    const highlighter = () => requested.filter((url) => /\/assets\/hljs-[\w-]+\.js$/.test(url));
    await page.goto(`${session.hq.url}/tasks`);
    await page.getByTestId('column-REVIEW').getByText('Diff task').waitFor();
    await page.waitForTimeout(1_000);
    expect(requested.some((url) => /\/assets\/index-[\w-]+\.js$/.test(url))).toBe(true);
    expect(highlighter()).toEqual([]);

    await page.getByTestId('column-REVIEW').getByText('Diff task').click();
    await file('src/app.ts').waitFor();
    await expect.poll(() => file('src/app.ts').locator('.hljs-keyword').count()).toBeGreaterThan(0);
    expect(highlighter()).toHaveLength(1);
    expect(await file('src/app.ts').locator('.hljs-keyword').first().innerText()).toBe('export');
    expect(await file('src/config.json').locator('.hljs-attr').first().innerText()).toBe('"name"');
    expect(refused).toEqual([]);
  });

  it('lists the files with scope flags and draws their hunks with both line numbers', async () => {
    const stat = page.getByRole('table', { name: 'Diff stat' });
    expect(await stat.locator('tr.outside').innerText()).toContain('README.md');
    expect(await stat.locator('tr[data-path="src/zz-huge.txt"]').innerText()).toContain(
      'not in the patch',
    );
    expect(await page.getByTestId('diff-cut-note').innerText()).toMatch(
      /patch cut at [\d.]+ K?i?B of 1\.\d MiB; 1 file\(s\) not shown/,
    );
    expect(
      await page.getByTestId('diff-file').evaluateAll((els) => els.map((e) => e.dataset.path)),
    ).toEqual(['README.md', 'src/app.ts', 'src/big.ts', 'src/config.json', 'src/logo.bin']);
    expect(await file('README.md').innerText()).toContain('outside scope');

    const app = file('src/app.ts');
    const hunks = app.getByTestId('diff-hunk');
    expect(await hunks.count()).toBe(2);
    // Each hunk's head as git wrote it, with the line git chose as its section.
    expect(await hunks.nth(0).locator('.dv-hunk-head').innerText()).toBe(
      '@@ -2,7 +2,7 @@ export const value1 = 1;',
    );
    expect(await hunks.nth(1).locator('.dv-hunk-head').innerText()).toMatch(/^@@ -32,9 \+32,12 @@/);
    const row = (side: 'old' | 'new', line: number) =>
      app
        .locator(`[data-testid="diff-line"][data-side="${side}"][data-line="${line}"]`)
        .locator('xpath=ancestor::tr[1]')
        .innerText();
    expect(await row('old', 5)).toBe('5\t\t−\texport const value5 = 5;');
    expect(await row('new', 5)).toBe('\t5\t+\texport const value5 = 500;');
    expect(await row('new', 4)).toMatch(/^4\s+4\s+export const value4 = 4;$/);
    expect(await row('new', 42)).toContain('return a + b;');
    expect(await app.locator('[data-side="old"][data-line="41"]').count()).toBe(0);
  });

  it('folds the large and the binary file until asked', async () => {
    const big = file('src/big.ts');
    expect(await big.innerText()).toContain('500 changed lines');
    expect(await big.getByTestId('diff-hunk').count()).toBe(0);
    await big.getByRole('button', { name: 'Show file' }).click();
    expect(await big.getByTestId('diff-hunk').count()).toBe(1);
    expect(await big.locator('[data-side="new"][data-line="500"]').count()).toBe(1);
    await big.getByRole('button', { name: 'Hide file' }).click();
    expect(await big.getByTestId('diff-hunk').count()).toBe(0);

    const logo = file('src/logo.bin');
    expect(await logo.innerText()).toContain('binary');
    await logo.getByRole('button', { name: 'Show file' }).click();
    expect(await logo.innerText()).toContain('A binary file: the patch holds no lines for it.');
  });

  it('switches to the split layout and remembers it', async () => {
    await page.getByRole('button', { name: 'Split', exact: true }).click();
    const app = file('src/app.ts');
    await app.locator('table.dv-split').waitFor();
    // Split: the removed line beside the line that replaced it, in one row.
    const row = await app
      .locator('[data-side="new"][data-line="5"]')
      .locator('xpath=ancestor::tr[1]')
      .innerText();
    expect(row).toMatch(/5\s+export const value5 = 5;\s+5\s+export const value5 = 500;/);
    expect(await page.evaluate(() => localStorage.getItem('hq.diff.layout'))).toBe('split');
    await page.reload();
    await file('src/app.ts').locator('table.dv-split').waitFor();
    expect(
      await page.getByRole('button', { name: 'Split', exact: true }).getAttribute('aria-pressed'),
    ).toBe('true');
    await page.getByRole('button', { name: 'Unified', exact: true }).click();
    await file('src/app.ts').locator('table.dv-unified').waitFor();
  });

  it('moves through files with n/p and hunks with j/k, never while typing', async () => {
    await page.reload();
    await file('src/app.ts').waitFor();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('n');
    expect(await current()).toBe('README.md');
    await page.keyboard.press('n');
    expect(await current()).toBe('src/app.ts');
    const hunks = file('src/app.ts').getByTestId('diff-hunk');
    expect(await hunks.nth(0).getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('j');
    expect(await hunks.nth(1).getAttribute('aria-current')).toBe('true');
    expect(await hunks.nth(0).getAttribute('aria-current')).toBeNull();
    expect(await inView('[data-testid="diff-hunk"][aria-current="true"]')).toBe(true);
    await page.keyboard.press('j');
    expect(await current()).toBe('src/big.ts');
    await page.keyboard.press('k');
    expect(await hunks.nth(1).getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('p');
    expect(await current()).toBe('README.md');
    for (const _ of [1, 2, 3, 4]) await page.keyboard.press('n');
    expect(await current()).toBe('src/logo.bin');
    expect(await inView('[data-testid="diff-file"][aria-current="true"]')).toBe(true);

    const text = page.getByLabel('Review comments');
    await text.click();
    await page.keyboard.type('nj');
    expect(await text.inputValue()).toBe('nj');
    expect(await current()).toBe('src/logo.bin');
    await text.fill('');
  });

  it('opens a comment box under a line, and shift-click makes it a range', async () => {
    const app = file('src/app.ts');
    await app.locator('[data-testid="diff-line"][data-side="new"][data-line="5"]').click();
    const box = page.getByLabel('Comment', { exact: true });
    await box.waitFor();
    await app
      .locator('[data-testid="diff-line"][data-side="new"][data-line="7"]')
      .click({ modifiers: ['Shift'] });
    expect(await app.locator('tr.dv-selected').count()).toBe(3);
    expect(await page.locator('.dv-comment-box').innerText()).toContain('src/app.ts:5-7');
    // The box opens under the range's last line.
    expect(
      await page
        .locator('.dv-comment-box')
        .locator('xpath=ancestor::tr[1]/preceding-sibling::tr[1]')
        .innerText(),
    ).toContain('value7 = 7;');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    expect(await box.count()).toBe(0);
  });

  it('sends "Request changes" with an empty text box: the server decides', async () => {
    const sent = page.waitForRequest((r) => r.url().endsWith('/review') && r.method() === 'POST');
    await page.getByRole('button', { name: 'Request changes' }).click();
    expect((await sent).postDataJSON()).toEqual({ verdict: 'changes', comments: '' });
    // With no inline comment either, HQ refuses, and the form says why.
    await page.getByRole('form', { name: 'Review' }).locator('.error').waitFor();
  });

  it('expands a review queue row to the same diff view', async () => {
    await page.getByRole('link', { name: 'Review', exact: true }).click();
    const row = page.locator('li', { hasText: 'Diff task' });
    await row.getByRole('button', { name: 'Show diff' }).click();
    const diff = row.getByTestId('queue-diff');
    await diff.locator('[data-testid="diff-file"][data-path="src/app.ts"]').waitFor();
    expect(await diff.getByTestId('diff-file').count()).toBe(5);
    expect(await row.getByRole('button', { name: 'Hide diff' }).getAttribute('aria-expanded')).toBe(
      'true',
    );
    await row.getByRole('button', { name: 'Hide diff' }).click();
    expect(await row.getByTestId('queue-diff').count()).toBe(0);
  });
});
