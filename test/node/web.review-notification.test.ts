import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jsonAs, missionPlan } from '../support/session-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// A task ready for review is decided from its notification, against real `wrangler dev`: the
// row carries Approve and Request changes, as the Telegram message does.
let session: SignedIn;
const ids: Record<string, string> = {};

/** A runner's call, with its bearer token. */
const runnerCall = (token: string, path: string, method: string, body: unknown) =>
  fetch(`${session.hq.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Proposes and approves a one-task mission, then the runner runs it into REVIEW. */
async function inReview(token: string, title: string, n: number) {
  const mission = await jsonAs<{ id: string }>(session, '/api/missions', {
    body: missionPlan(title),
  });
  await jsonAs(session, `/api/missions/${mission.id}/approve`, { body: {} });
  const claim = await runnerCall(token, '/api/runner/claim', 'POST', { waitSeconds: 0 });
  expect(claim.status).toBe(200);
  const { task } = (await claim.json()) as { task: { id: string; title: string } };
  expect(task.title).toBe(`${title} task`);
  const report = await runnerCall(token, `/api/runner/tasks/${task.id}/report`, 'POST', {
    outcome: 'success',
    headCommit: String(n).repeat(40),
    commits: [String(n).repeat(12)],
    numstat: [{ path: 'src/app.ts', added: 4, removed: 1 }],
    inputTokens: 100,
    outputTokens: 20,
    costUsd: 0.01,
    provider: 'openai',
    model: 'gpt-4.1',
  });
  expect(report.status, await report.text()).toBe(200);
  ids[title] = task.id;
}

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local');
  const runner = await jsonAs<{ token: string }>(session, '/api/runners', {
    body: { name: 'review-notification' },
  });
  const declared = await runnerCall(runner.token, '/api/runner/capabilities', 'PUT', {
    capabilities: [],
    repositories: [{ name: 'demo/storefront', pushes: false }],
  });
  expect(declared.status).toBe(200);
  await inReview(runner.token, 'Approve me', 1);
  await inReview(runner.token, 'Change me', 2);
  // The CEO places the REVIEW moves from its own queue: wait until both are listed.
  await vi.waitFor(
    async () => {
      const { items } = await jsonAs<{ items: { reviewOpen: boolean }[] }>(
        session,
        '/api/notifications?eventType=task.review',
      );
      expect(items.filter((n) => n.reviewOpen)).toHaveLength(2);
    },
    { timeout: 30_000, interval: 250 },
  );
});

afterAll(async () => {
  await session?.close();
});

const rowOf = (title: string) =>
  session.page
    .getByRole('table', { name: 'Notifications' })
    .locator('tr[data-type="task.review"]', { hasText: `"${title} task"` });

const task = (title: string) =>
  jsonAs<{ status: string; verdict: string | null; reviewComments: string | null }>(
    session,
    `/api/tasks/${ids[title]}`,
  );

describe('a ready-for-review notification in a real browser', () => {
  it('approves the task from its row', async () => {
    const { page } = session;
    await page.getByRole('link', { name: 'Notifications', exact: true }).click();
    const row = rowOf('Approve me');
    await expect.poll(() => row.innerText()).toContain('Scope: clean.');
    await row.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => row.getByRole('status').innerText()).toContain('Approved');
    expect(await task('Approve me')).toMatchObject({ status: 'REVIEW', verdict: 'approve' });
  });

  it('requests changes from its row with a comment', async () => {
    const row = rowOf('Change me');
    await row.getByRole('button', { name: 'Request changes' }).click();
    const send = row.getByRole('button', { name: 'Send' });
    expect(await send.isDisabled()).toBe(true);
    await row.getByLabel('What should change').fill('Split the change in two.');
    await send.click();
    await expect.poll(() => row.getByRole('status').innerText()).toBe('Changes requested.');
    expect(await task('Change me')).toMatchObject({
      verdict: 'changes',
      reviewComments: 'Split the change in two.',
    });
  });

  it('offers no buttons once the review is decided', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => rowOf('Approve me').getByRole('button').count()).toBe(0);
    expect(await rowOf('Change me').getByRole('button').count()).toBe(0);
  });
});
