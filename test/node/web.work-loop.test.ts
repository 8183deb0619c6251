import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAsPage, type SignedIn, startSignedIn } from '../support/signed-in';

// Against the demo company that local HQ seeds (forge is a backend engineer).
let session: SignedIn;
let hq: SignedIn['hq'];
let page: SignedIn['page'];

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local', { width: 1400, height: 900 });
  ({ hq, page } = session);
});

afterAll(async () => {
  await session?.close();
});

/** An API call from Node with the browser's session, as the same admin. */
const asAdmin = (path: string, body?: unknown, headers?: Record<string, string>) =>
  fetchAsPage(session, path, body, headers);

/** What the runner CLI declares at start: it serves the demo repository. */
async function serveDemoRepository(token: string) {
  const response = await fetch(`${hq.url}/api/runner/capabilities`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      capabilities: [],
      repositories: [{ name: 'demo/storefront', pushes: false }],
    }),
  });
  expect(response.status).toBe(200);
}

describe('the work loop in a real browser', () => {
  it('proposes a mission and approves it; its task is dispatched', async () => {
    await page.getByRole('link', { name: 'Missions', exact: true }).click();
    await page.getByRole('button', { name: 'Propose a mission' }).click();
    const form = page.getByRole('form', { name: 'Propose a mission' });
    // No runner yet: the field says so, and still takes a name typed in.
    await expect
      .poll(() => form.getByTestId('no-served-repositories').innerText())
      .toBe('no runner serves a repository yet');
    await form.locator('input[name=title]').fill('Browser mission');
    await form.locator('input[name=repository]').fill('demo/storefront');
    await form.locator('textarea[name=brief]').fill('Prove the loop works from a browser.');
    await form.getByLabel('Task 1 title').fill('Browser task');
    await form.getByLabel('Task 1 spec').fill('Change src/app.ts.');
    await form.getByLabel('Task 1 scope').fill('src/**');
    await form.getByLabel('Task 1 agent').fill('forge');
    await form.getByRole('button', { name: 'Propose' }).click();
    const card = page.getByTestId('mission-Browser mission');
    await expect.poll(() => card.innerText()).toContain('PROPOSED');
    await card.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => card.innerText()).toContain('APPROVED');
    expect(await card.innerText()).toContain('approved by admin@hq.local');
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('column-ASSIGNED').innerText())
      .toContain('Browser task');
  });

  it('reviews a reported task with its scope flags, and approves it for merge', async () => {
    const runner = (await (await asAdmin('/api/runners', { name: 'browser-test' })).json()) as {
      token: string;
    };
    const bearer = { authorization: `Bearer ${runner.token}` };
    await serveDemoRepository(runner.token);
    const claim = (await (
      await asAdmin('/api/runner/claim', { waitSeconds: 0 }, bearer)
    ).json()) as { task: { id: string } };
    const report = await asAdmin(
      `/api/runner/tasks/${claim.task.id}/report`,
      {
        outcome: 'success',
        headCommit: 'abc1234def'.padEnd(40, '0'),
        commits: ['abc1234def'],
        numstat: [
          { path: 'src/app.ts', added: 10, removed: 2 },
          { path: 'package.json', added: 1, removed: 1 },
          { path: 'src/run.sh', added: 0, removed: 0, oldMode: '100644', newMode: '100755' },
        ],
        inputTokens: 5000,
        outputTokens: 800,
        costUsd: 1.25,
        provider: 'openai',
        model: 'gpt-4.1',
      },
      bearer,
    );
    expect(report.status).toBe(200);

    await page.getByRole('link', { name: 'Review', exact: true }).click();
    const entry = page.getByRole('link', { name: 'Browser task' });
    await entry.waitFor();
    expect(await page.locator('.list').innerText()).toContain('1 outside scope');
    // The head the run recorded, short: what the approval merges.
    expect(await page.locator('.list').innerText()).toContain('at abc1234def');
    await entry.click();
    const diff = page.getByRole('table', { name: 'Diff stat' });
    await expect.poll(() => diff.locator('tr.outside').innerText()).toContain('package.json');
    expect(await diff.getByTestId('diff-flag-mode').getAttribute('title')).toBe(
      'mode 100644 → 100755',
    );
    expect(
      await page.getByRole('button', { name: 'Approve merges abc1234def' }).getAttribute('title'),
    ).toBe('abc1234def'.padEnd(40, '0'));
    await page.getByLabel('Review comments').fill('Looks right; the package.json bump is fine.');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect
      .poll(() => page.locator('body').innerText())
      .toContain('approved, waiting for merge');
    expect(await page.getByTestId('task-status').innerText()).toBe('REVIEW');
  });

  it('shows the spend on the dashboard', async () => {
    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await expect
      .poll(() => page.locator('.kpis').innerText())
      .toMatch(/\$1\.25\s+spent in 30 days/);
    expect(
      await page.getByRole('img', { name: 'Spend per day' }).locator('rect').count(),
    ).toBeGreaterThan(0);
  });
});
