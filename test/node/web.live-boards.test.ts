import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAsPage, type SignedIn, startSignedIn } from '../support/signed-in';

// Against the demo company that local HQ seeds. The tasks made here hint at an agent nobody
// has, so dispatch leaves them PENDING and every move below is the test's own.
let session: SignedIn;
let hq: SignedIn['hq'];
let page: SignedIn['page'];
const ids: Record<string, string> = {};

/** An API call from Node with the browser's session, as the same admin. */
async function asAdmin<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetchAsPage(session, path, body);
  const text = await response.text();
  expect(response.ok, `${path}: ${response.status} ${text}`).toBe(true);
  return JSON.parse(text) as T;
}

/** Proposes and approves a mission in `repository` with tasks titled `titles`. */
async function mission(repository: string, titles: string[]) {
  const proposed = await asAdmin<{ id: string }>('/api/missions', {
    title: `Live boards ${repository}`,
    brief: 'Tasks for the live boards test.',
    repository,
    tasks: titles.map((title) => ({
      title,
      spec: 'Nothing to do.',
      expectedScope: ['src/**'],
      agentHint: 'nobody-on-staff',
    })),
  });
  const approved = await asAdmin<{ tasks: { id: string; title: string; status: string }[] }>(
    `/api/missions/${proposed.id}/approve`,
    {},
  );
  for (const t of approved.tasks) {
    expect(t.status).toBe('PENDING');
    ids[t.title] = t.id;
  }
}

/** A runner's call with its bearer token. */
async function asRunner<T>(token: string, method: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${hq.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.ok, `${path}: ${response.status} ${text}`).toBe(true);
  return (text ? JSON.parse(text) : undefined) as T;
}

const counts = () => asAdmin<{ byStatus: Record<string, number> }>('/api/tasks/counts');
const cancel = (title: string) =>
  asAdmin(`/api/tasks/${ids[title]}/cancel`, { reason: 'live boards test' });
/** A live change crosses the hub and a refetch: give it time on a busy machine. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });
const number = async (testId: string) => Number(await page.getByTestId(testId).innerText());
const cards = (state: string) => page.getByTestId(`column-${state}`).locator('a.task-card');

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local', { width: 1600, height: 900 });
  ({ hq, page } = session);
  await mission('live/alpha', ['Alpha 1', 'Alpha 2', 'Alpha 3', 'Alpha 4', 'Alpha 5']);
  await mission('live/beta', ['Beta 1', 'Beta 2']);
});

afterAll(async () => {
  await session?.close();
});

describe('live boards in a real browser', () => {
  it('moves a card to its new column and recounts, without a reload', async () => {
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await eventually(() => page.getByTestId('live-state').innerText()).toBe('live');
    const before = await counts();
    await eventually(() => number('count-PENDING')).toBe(before.byStatus.PENDING);
    await eventually(() => cards('PENDING').allInnerTexts()).toContainEqual(
      expect.stringContaining('Alpha 1'),
    );
    // A mark on this document: a reload would lose it.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));

    await cancel('Alpha 1');
    await eventually(() => page.getByTestId('column-CANCELLED').innerText()).toContain('Alpha 1');
    expect(await page.getByTestId('column-PENDING').innerText()).not.toContain('Alpha 1');
    await eventually(() => number('count-PENDING')).toBe((before.byStatus.PENDING ?? 0) - 1);
    await eventually(() => number('count-CANCELLED')).toBe((before.byStatus.CANCELLED ?? 0) + 1);
    expect(await page.evaluate(() => 'sameDocument' in window)).toBe(true);
  });

  it('changes the dashboard’s figures live', async () => {
    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    const before = await counts();
    const waiting = (before.byStatus.PENDING ?? 0) + (before.byStatus.ASSIGNED ?? 0);
    await eventually(() => number('kpi-pending')).toBe(waiting);
    await eventually(() =>
      page.getByRole('img', { name: 'Tasks done per day' }).locator('rect').count(),
    ).toBe(30);
    await cancel('Alpha 2');
    await eventually(() => number('kpi-pending')).toBe(waiting - 1);
    await eventually(() => page.getByTestId('state-CANCELLED').innerText()).toBe(
      String((before.byStatus.CANCELLED ?? 0) + 1),
    );
  });

  it('narrows the board by repository and state, in the URL', async () => {
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    const filters = page.getByRole('form', { name: 'Filter tasks' });
    await filters.locator('input[name=repository]').fill('live/beta');
    await filters.locator('input[name=repository]').press('Enter');
    await eventually(() => page.getByTestId('board-total').innerText()).toBe('2 in all');
    await eventually(() => cards('PENDING').allInnerTexts()).toEqual([
      expect.stringContaining('Beta 2'),
      expect.stringContaining('Beta 1'),
    ]);
    expect(new URL(page.url()).searchParams.get('repository')).toBe('live/beta');

    await filters.locator('input[name=repository]').fill('live/alpha');
    await filters.locator('input[name=repository]').press('Enter');
    await filters.locator('select[name=status]').selectOption('CANCELLED');
    await eventually(() => page.locator('.board .column').count()).toBe(1);
    await eventually(() => cards('CANCELLED').allInnerTexts()).toEqual([
      expect.stringContaining('Alpha 2'),
      expect.stringContaining('Alpha 1'),
    ]);
    expect(await number('count-CANCELLED')).toBe(2);
  });

  it('marks stuck tasks, says why on the task page with the fix, and answers /why in the chat', async () => {
    await page.goto(`${hq.url}/tasks?repository=live/beta`);
    const card = cards('PENDING').filter({ hasText: 'Beta 1' });
    // Its hint names nobody: the board marks it with its first failing gate.
    await eventually(() => card.getByTestId('stuck-badge').innerText()).toBe(
      'stuck: The agent hint names an agent',
    );
    await card.click();
    const panel = page.getByTestId('why-panel');
    await eventually(() => panel.locator('h3').innerText()).toBe('Why is it stuck?');
    const gate = panel.getByTestId('gate-agent_hint');
    expect(await gate.innerText()).toContain(
      'The hint names "nobody-on-staff", and no agent has that slug.',
    );
    expect(await gate.innerText()).toContain('Reassign the task to an existing agent');
    // The fix, from the same page: forge takes it (ASSIGNED), and the panel says what is left
    // (no runner serves live/beta), live, without a reload.
    const actions = page.getByTestId('task-actions');
    await actions.getByLabel('Agent').selectOption('forge');
    await actions.getByRole('button', { name: 'Reassign' }).click();
    await eventually(() => panel.locator('.gate.first').getAttribute('data-testid')).toBe(
      'gate-runner',
    );
    expect(await panel.getByTestId('gate-agent_hint').count()).toBe(0);
    expect(await panel.getByTestId('gate-runner').innerText()).toContain('live/beta');

    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    await page.getByRole('textbox', { name: 'Message to the CEO' }).fill(`/why ${ids['Beta 2']}`);
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually(() => page.locator('main').innerText()).toContain('Stuck at');
    expect(await page.locator('main').innerText()).toContain('nobody-on-staff');
  });

  it('pages past the first page', async () => {
    await page.goto(`${hq.url}/tasks?repository=live/alpha&status=PENDING&limit=2`);
    await eventually(() => cards('PENDING').count()).toBe(2);
    await eventually(() => number('count-PENDING')).toBe(3);
    await page.getByTestId('column-PENDING').getByRole('button', { name: 'Load more' }).click();
    await eventually(() => cards('PENDING').allInnerTexts()).toEqual([
      expect.stringContaining('Alpha 5'),
      expect.stringContaining('Alpha 4'),
      expect.stringContaining('Alpha 3'),
    ]);
    expect(
      await page.getByTestId('column-PENDING').getByRole('button', { name: 'Load more' }).count(),
    ).toBe(0);
    // A task that moves in while paged in shows up in the column it moved to.
    await page.goto(`${hq.url}/tasks?repository=live/alpha&limit=2`);
    await eventually(() => page.getByTestId('live-state').innerText()).toBe('live');
    await eventually(() => cards('CANCELLED').count()).toBe(2);
    await cancel('Alpha 3');
    await eventually(() => number('count-CANCELLED')).toBe(3);
    await eventually(() => page.getByTestId('column-CANCELLED').innerText()).toContain('Alpha 3');
  });

  it('keeps the review queue and the dashboard live as a task enters and leaves REVIEW', async () => {
    const { token } = await asAdmin<{ token: string }>('/api/runners', { name: 'live-boards' });
    await asRunner(token, 'PUT', '/api/runner/capabilities', {
      capabilities: [],
      repositories: [{ name: 'live/gamma', pushes: false }],
    });
    const proposed = await asAdmin<{ id: string }>('/api/missions', {
      title: 'Live boards review',
      brief: 'A task for the review queue.',
      repository: 'live/gamma',
      tasks: [
        { title: 'Gamma 1', spec: 'Change it.', expectedScope: ['src/**'], agentHint: 'forge' },
      ],
    });
    await asAdmin(`/api/missions/${proposed.id}/approve`, {});
    const claim = await asRunner<{ task: { id: string } | null }>(
      token,
      'POST',
      '/api/runner/claim',
      { waitSeconds: 0 },
    );
    expect(claim.task).not.toBeNull();
    const id = claim.task?.id ?? '';

    await page.getByRole('link', { name: 'Review', exact: true }).click();
    await eventually(() => page.getByTestId('review-waiting').innerText()).toMatch(/^\d+ waiting$/);
    const waiting = Number((await page.getByTestId('review-waiting').innerText()).split(' ')[0]);
    await asRunner(token, 'POST', `/api/runner/tasks/${id}/report`, {
      outcome: 'success',
      headCommit: 'fedcba9876'.padEnd(40, '0'),
      commits: ['fedcba9876'],
      numstat: [{ path: 'src/a.ts', added: 1, removed: 0 }],
      inputTokens: 10,
      outputTokens: 10,
      costUsd: 0.01,
      provider: 'openai',
      model: 'gpt-4.1',
    });
    await eventually(() => page.locator('.list').innerText()).toContain('Gamma 1');
    await eventually(() => page.getByTestId('review-waiting').innerText()).toBe(
      `${waiting + 1} waiting`,
    );

    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await eventually(() => number('kpi-to-review')).toBe(waiting + 1);
    await asAdmin(`/api/tasks/${id}/review`, { verdict: 'changes', comments: 'Once more.' });
    await eventually(() => number('kpi-to-review')).toBe(waiting);
    await page.getByRole('link', { name: 'Review', exact: true }).click();
    await eventually(() => page.getByTestId('review-waiting').innerText()).toBe(
      `${waiting} waiting`,
    );
    expect(await page.locator('.list').innerText()).not.toContain('Gamma 1');
  });
});
