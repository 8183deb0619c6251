import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll, watchPolicy } from '../support/routines-page';
import { callAs, jsonAs, pageAs } from '../support/session-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// The mission page against real `wrangler dev` (local D1, the demo company: forge is a backend
// engineer, pixel a frontend one), signed in as an operator. The mission is proposed through
// the API; everything after that goes through the page, and a runner's claim and report go
// through the runner API while the page is open.
let session: SignedIn;
let page: Page;
let missionId = '';
let violations: string[] = [];

const TITLE = 'Checkout retries';

beforeAll(async () => {
  session = await startSignedIn('operator@hq.local');
  ({ page } = session);
  violations = watchPolicy(page);
  const mission = await jsonAs<{ id: string }>(session, '/api/missions', {
    body: {
      title: TITLE,
      brief: 'Retry failed payment calls twice before giving up.',
      repository: 'demo/storefront',
      budgetUsd: 5,
      tasks: [
        {
          title: 'Retry the payment call',
          spec: 'Wrap the payment client in a retry.',
          expectedScope: ['src/**'],
          agentHint: 'forge',
        },
        {
          title: 'Show the retry banner',
          spec: 'Tell the shopper a retry is under way.',
          expectedScope: ['web/**'],
          roleHint: 'Frontend engineer',
        },
      ],
    },
  });
  missionId = mission.id;
});

afterAll(async () => {
  await session?.close();
});

const section = () => page.locator('section.mission-page');
const planned = (n: number) => page.getByTestId(`planned-${n}`);

describe('the mission page in a real browser', () => {
  it('opens from its card on the Missions page: plan, estimate and history', async () => {
    await page.getByRole('link', { name: 'Missions', exact: true }).click();
    await page.getByTestId(`mission-${TITLE}`).getByRole('link', { name: TITLE }).click();
    await poll(async () => new URL(page.url()).pathname).toBe(`/missions/${missionId}`);
    await section().waitFor();
    expect(await page.getByTestId('mission-status').innerText()).toBe('PROPOSED');
    expect(await section().innerText()).toContain('demo/storefront → main');
    expect(await page.getByTestId('mission-brief').innerText()).toContain('Retry failed payment');
    expect(await planned(1).innerText()).toContain('Retry the payment call');
    expect(await planned(1).getByTestId('task-scope').innerText()).toBe('src/**');
    expect(await planned(1).innerText()).toContain('for agent forge');
    expect(await planned(2).innerText()).toContain('for the role Frontend engineer');
    // A fresh HQ has no finished task: no history to estimate from.
    await poll(() => page.getByTestId('estimate-total').innerText()).toMatch(/no cost history/i);
    expect(await page.getByTestId('estimate-total').innerText()).toContain('budget $5.00');
    await poll(() => page.getByTestId('mission-history').innerText()).toContain(
      'operator@hq.local',
    );
  });

  it('a viewer sees the plan and no buttons that write', async () => {
    const viewer = await pageAs(session, 'viewer@hq.local');
    try {
      await viewer.goto(`${session.hq.url}/missions/${missionId}`);
      await viewer.getByTestId('planned-1').waitFor();
      for (const name of ['Edit', 'Approve', 'Reject']) {
        expect(await viewer.getByRole('button', { name, exact: true }).count()).toBe(0);
      }
    } finally {
      await viewer.context().close();
    }
  });

  it('edits a task’s scope with a reason: revision 1 with its diff, the new scope shown', async () => {
    await section().getByRole('button', { name: 'Edit', exact: true }).click();
    const form = page.getByRole('form', { name: 'Edit the mission' });
    // An empty scope is refused by the server, naming the field.
    await form.getByLabel('Task 1 scope').fill('');
    await form.getByRole('button', { name: 'Save the plan' }).click();
    await poll(() => form.locator('p.error').innerText()).toContain('tasks.0.expectedScope');
    await form.getByLabel('Task 1 scope').fill('src/payments/**, test/payments/**');
    await form.locator('input[name=reason]').fill('Only the payments module');
    await form.getByRole('button', { name: 'Save the plan' }).click();
    await poll(() => page.getByRole('status').innerText()).toMatch(/^Saved( as revision 1)?\.$/);
    expect(await form.count()).toBe(0);

    const revision = page.getByTestId('mission-revision-1');
    await revision.waitFor();
    expect(await revision.innerText()).toContain('operator@hq.local');
    expect(await revision.innerText()).toContain('“Only the payments module”');
    // One task edited reads as its scope changed, not as a task removed and another added.
    const diff = await revision.locator('.diff').innerText();
    expect(diff).toContain('tasks.0.expectedScope');
    expect(diff).toContain('src/payments/**');
    expect(diff).not.toContain('"spec"');
    expect(await planned(1).getByTestId('task-scope').innerText()).toBe(
      'src/payments/**, test/payments/**',
    );
    expect(await section().innerText()).toContain('edited (revision 1)');
    await poll(() => page.getByTestId('mission-history').innerText()).toContain(
      'Only the payments module',
    );
  });

  it('refuses to approve a plan edited since the page showed it, and shows the new one', async () => {
    // Someone else edits while this page shows revision 1.
    await jsonAs(session, `/api/missions/${missionId}`, {
      method: 'PATCH',
      body: { brief: 'Retry failed payment calls three times.', reason: 'Three tries' },
    });
    await section().getByRole('button', { name: 'Approve', exact: true }).click();
    await poll(() => section().locator('p.error').innerText()).toContain('edited meanwhile');
    await poll(() => page.getByTestId('mission-brief').innerText()).toBe(
      'Retry failed payment calls three times.',
    );
    expect(await page.getByTestId('mission-status').innerText()).toBe('PROPOSED');
    await page.getByTestId('mission-revision-2').waitFor();
  });

  it('approves on the page: its tasks from the edited plan, then their status live', async () => {
    await section().getByRole('button', { name: 'Approve', exact: true }).click();
    await poll(() => page.getByTestId('mission-status').innerText()).toBe('APPROVED');
    expect(await section().getByRole('button', { name: 'Edit', exact: true }).count()).toBe(0);
    expect(await section().innerText()).toContain('by operator@hq.local');
    const first = page.getByTestId('mission-task-Retry the payment call');
    expect(await first.getByTestId('task-scope').innerText()).toBe(
      'src/payments/**, test/payments/**',
    );
    await poll(() => first.getByTestId('task-status').innerText()).toBe('ASSIGNED');
    await poll(() => first.innerText()).toContain('forge');
    const taskId = (await first.getByRole('link').getAttribute('href'))?.split('/').pop() ?? '';

    // A runner takes forge's task and reports it: the open page follows without a reload.
    // Runners are an admin's to register.
    const admin = await pageAs(session, 'admin@hq.local');
    const runner = await jsonAs<{ token: string }>(
      { hq: session.hq, page: admin },
      '/api/runners',
      {
        method: 'POST',
        body: { name: 'mission-page-test' },
      },
    );
    await admin.context().close();
    const asRunner = (path: string, method: string, body: unknown) =>
      fetch(`${session.hq.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${runner.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const served = await asRunner('/api/runner/capabilities', 'PUT', {
      capabilities: [],
      repositories: [{ name: 'demo/storefront', pushes: false }],
    });
    expect(served.status).toBe(200);
    let claimed = '';
    // Both tasks are ASSIGNED: claim until forge's comes (another one claimed stays RUNNING).
    for (let i = 0; i < 3 && claimed !== taskId; i++) {
      const claim = (await (
        await asRunner('/api/runner/claim', 'POST', { waitSeconds: 0 })
      ).json()) as { task: { id: string } | null };
      claimed = claim.task?.id ?? '';
    }
    expect(claimed).toBe(taskId);
    await poll(() => first.getByTestId('task-status').innerText()).toBe('RUNNING');
    const report = await asRunner(`/api/runner/tasks/${taskId}/report`, 'POST', {
      outcome: 'success',
      headCommit: 'c0ffee1234'.padEnd(40, '0'),
      commits: ['c0ffee1234'],
      numstat: [{ path: 'src/payments/retry.ts', added: 20, removed: 1 }],
      inputTokens: 4000,
      outputTokens: 600,
      costUsd: 1.25,
      provider: 'openai',
      model: 'gpt-4.1',
    });
    expect(report.status, await report.clone().text()).toBe(200);
    await poll(() => first.getByTestId('task-status').innerText()).toBe('REVIEW');
    expect(await first.innerText()).toContain('waiting for review');
    expect(await first.getByTestId('task-cost').innerText()).toBe('$1.25');
    await poll(() => page.getByTestId('mission-spent').innerText()).toMatch(/^\$1\.25 of \$5\.00/);
    await poll(() => page.getByTestId('mission-history').innerText()).toContain('REVIEW');

    // The task's link leads to its page.
    await first.getByRole('link', { name: 'Retry the payment call' }).click();
    await poll(() => page.getByTestId('task-status').innerText()).toBe('REVIEW');
  });

  it('broke no Content-Security-Policy rule', async () => {
    expect(violations).toEqual([]);
    // The edit the page made is the API's: a plain GET agrees with what was shown.
    const mission = (await (await callAs(session, `/api/missions/${missionId}`)).json()) as {
      plan: { expectedScope: string[] }[];
    };
    expect(mission.plan[0]?.expectedScope).toEqual(['src/payments/**', 'test/payments/**']);
  });
});
