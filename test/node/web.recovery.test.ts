import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAsPage, type SignedIn, startSignedIn } from '../support/signed-in';

// Against the demo company that local HQ seeds: forge (backend) has no schedule, nor has
// pixel (frontend), so both take work at any hour.
let session: SignedIn;
let hq: SignedIn['hq'];
let page: SignedIn['page'];

interface TaskJson {
  id: string;
  title: string;
  status: string;
  agentHint: string | null;
  failureReason: string | null;
  events: { to: string; actor: string; reason: string | null }[];
}

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

async function json<T>(path: string, body?: unknown, headers?: Record<string, string>) {
  const response = await asAdmin(path, body, headers);
  expect(response.status, `${path}: ${response.status}`).toBeLessThan(300);
  return (await response.json()) as T;
}

const task = (id: string) => json<TaskJson>(`/api/tasks/${id}`);

/** The newest audit entry about an entity, as the audit API lists it. */
async function lastAudit(entityId: string) {
  const page = await json<{ items: { action: string; actor: string; summary: unknown }[] }>(
    `/api/audit?entityId=${entityId}&limit=1`,
  );
  return page.items[0];
}

let missionId: string;
let failedId: string;
let waitingId: string;
let unwantedId: string;

describe('recovering tasks and missions in a real browser', () => {
  it('sets up a mission of three tasks, one of them failed by its runner', async () => {
    const proposed = await json<{ id: string }>('/api/missions', {
      title: 'Recovery mission',
      brief: 'Three tasks; one fails, one changes hands, one is not needed.',
      repository: 'demo/storefront',
      budgetUsd: 5,
      tasks: ['Flaky task', 'Handed over', 'Not needed'].map((title) => ({
        title,
        spec: 'Change src/app.ts.',
        expectedScope: ['src/**'],
        agentHint: 'forge',
      })),
    });
    missionId = proposed.id;
    await json(`/api/missions/${missionId}/approve`, {});

    const runner = await json<{ token: string }>('/api/runners', { name: 'recovery-test' });
    const bearer = { authorization: `Bearer ${runner.token}` };
    const capabilities = await fetch(`${hq.url}/api/runner/capabilities`, {
      method: 'PUT',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({
        capabilities: [],
        repositories: [{ name: 'demo/storefront', pushes: false }],
      }),
    });
    expect(capabilities.status).toBe(200);
    const claim = await json<{ task: { id: string } }>(
      '/api/runner/claim',
      { waitSeconds: 0 },
      bearer,
    );
    failedId = claim.task.id;
    await json(
      `/api/runner/tasks/${failedId}/report`,
      {
        outcome: 'failure',
        headCommit: 'abc1234def'.padEnd(40, '0'),
        commits: [],
        numstat: [],
        inputTokens: 4000,
        outputTokens: 500,
        costUsd: 1.25,
        provider: 'openai',
        model: 'gpt-4.1',
        error: 'tests failed: 3 of 40',
      },
      bearer,
    );
    expect((await task(failedId)).status).toBe('FAILED');
    const detail = await json<{ status: string; tasks: { id: string; title: string }[] }>(
      `/api/missions/${missionId}`,
    );
    // One task failed for good: the mission is FAILED until that task is retried.
    expect(detail.status).toBe('FAILED');
    const others = detail.tasks.filter((t) => t.id !== failedId);
    [waitingId, unwantedId] = others.map((t) => t.id) as [string, string];
  });

  it('retries the failed task with another agent', async () => {
    await page.goto(`${hq.url}/tasks/${failedId}`);
    await expect.poll(() => page.getByTestId('task-status').innerText()).toBe('FAILED');
    expect(await page.locator('body').innerText()).toContain('tests failed: 3 of 40');
    const actions = page.getByTestId('task-actions');
    // A failed task is retried or cancelled, not reassigned.
    expect(await actions.getByRole('button', { name: 'Reassign' }).count()).toBe(0);
    await actions.getByLabel('Agent').selectOption('pixel');
    await actions.getByLabel('Reason').fill('flaky test fixed upstream');
    await actions.getByRole('button', { name: 'Retry' }).click();
    await expect
      .poll(() => page.getByTestId('task-status').innerText())
      .toMatch(/^(PENDING|ASSIGNED)$/);
    // Its history is kept: the failure and the retry are both in the timeline.
    const timeline = page.locator('ol.events');
    await expect.poll(() => timeline.innerText()).toContain('flaky test fixed upstream');
    expect(await timeline.innerText()).toContain('tests failed: 3 of 40');

    const after = await task(failedId);
    expect(after.status).toMatch(/^(PENDING|ASSIGNED)$/);
    expect(after.agentHint).toBe('pixel');
    expect(after.failureReason).toBeNull();
    expect(after.events.map((e) => e.to)).toEqual(expect.arrayContaining(['FAILED', 'PENDING']));
    expect(after.events.find((e) => e.reason === 'flaky test fixed upstream')?.actor).toBe(
      'admin@hq.local',
    );
    // The retry reopened the mission.
    expect((await json<{ status: string }>(`/api/missions/${missionId}`)).status).toBe('APPROVED');
    expect(await lastAudit(failedId)).toMatchObject({
      action: 'task.retry',
      actor: 'admin@hq.local',
      summary: { reason: 'flaky test fixed upstream', agent: 'pixel' },
    });
  });

  it('reassigns a waiting task to another agent', async () => {
    await page.goto(`${hq.url}/tasks/${waitingId}`);
    await expect.poll(() => page.getByTestId('task-status').innerText()).toBe('ASSIGNED');
    const actions = page.getByTestId('task-actions');
    // Retry is only for a failed task; Reassign waits for an agent to be chosen.
    expect(await actions.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(await actions.getByRole('button', { name: 'Reassign' }).isDisabled()).toBe(true);
    await actions.getByLabel('Agent').selectOption('pixel');
    await actions.getByRole('button', { name: 'Reassign' }).click();
    await expect.poll(() => page.locator('ol.events').innerText()).toContain('reassigned to pixel');

    const after = await task(waitingId);
    expect(after.agentHint).toBe('pixel');
    expect(after.status).toMatch(/^(PENDING|ASSIGNED)$/);
    expect(await lastAudit(waitingId)).toMatchObject({
      action: 'task.reassign',
      actor: 'admin@hq.local',
      summary: { agent: 'pixel' },
    });
  });

  it('cancels an open task; a cancelled task offers no more actions', async () => {
    await page.goto(`${hq.url}/tasks/${unwantedId}`);
    await expect.poll(() => page.getByTestId('task-status').innerText()).toBe('ASSIGNED');
    await page.getByTestId('task-actions').getByLabel('Reason').fill('not needed after all');
    await page.getByRole('button', { name: 'Cancel task' }).click();
    await expect.poll(() => page.getByTestId('task-status').innerText()).toBe('CANCELLED');
    expect(await page.getByTestId('task-actions').count()).toBe(0);
    expect(await page.locator('ol.events').innerText()).toContain('not needed after all');

    expect((await task(unwantedId)).status).toBe('CANCELLED');
    expect(await lastAudit(unwantedId)).toMatchObject({
      action: 'task.cancel',
      actor: 'admin@hq.local',
      summary: { reason: 'not needed after all' },
    });
  });

  it('shows the mission’s spend against its budget, and cancels it with its open tasks', async () => {
    await page.getByRole('link', { name: 'Missions', exact: true }).click();
    const card = page.getByTestId('mission-Recovery mission');
    await expect.poll(() => card.innerText()).toContain('APPROVED');
    expect(await card.getByTestId('mission-spent').innerText()).toBe(
      'spent: $1.25 of $5.00 · 4,500 tokens',
    );
    await card.getByRole('button', { name: 'Cancel mission' }).click();
    await expect.poll(() => card.innerText()).toContain('CANCELLED');
    expect(await card.getByRole('button', { name: 'Cancel mission' }).count()).toBe(0);

    const detail = await json<{ status: string; tasks: { id: string; status: string }[] }>(
      `/api/missions/${missionId}`,
    );
    expect(detail.status).toBe('CANCELLED');
    expect(Object.fromEntries(detail.tasks.map((t) => [t.id, t.status]))).toEqual({
      [failedId]: 'CANCELLED',
      [waitingId]: 'CANCELLED',
      [unwantedId]: 'CANCELLED',
    });
    expect(await lastAudit(missionId)).toMatchObject({
      action: 'mission.cancel',
      actor: 'admin@hq.local',
    });
  });
});
