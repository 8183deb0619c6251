import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jsonAs, missionPlan } from '../support/session-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// What the CEO was told and what it did with it, against real `wrangler dev` (no model: the
// CEO sends raw text). Proposing a mission is IMMEDIATE (sent); approving it is DIGEST
// (buffered) and queues a task, which is SILENT (suppressed, with its reason).
let session: SignedIn;

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local');
  const mission = await jsonAs<{ id: string }>(session, '/api/missions', {
    body: missionPlan('Quiet CEO'),
  });
  await jsonAs(session, `/api/missions/${mission.id}/approve`, { body: {} });
  // The CEO takes domain events from its own queue, in order: wait until it has placed them.
  await vi.waitFor(
    async () => {
      const count = async (query: string) =>
        (await jsonAs<{ items: unknown[] }>(session, `/api/notifications?${query}`)).items.length;
      expect(await count('eventType=mission.approved')).toBe(1);
      expect(await count('eventType=task.queued&status=suppressed')).toBe(1);
    },
    { timeout: 30_000, interval: 250 },
  );
});

afterAll(async () => {
  await session?.close();
});

const table = () => session.page.getByRole('table', { name: 'Notifications' });

describe('notifications in a real browser', () => {
  it('lists sent and suppressed notifications, saying why the CEO stayed quiet', async () => {
    const { page } = session;
    await page.getByRole('link', { name: 'Notifications', exact: true }).click();
    const sent = table().locator('tr[data-type="mission.proposed"][data-status=sent]');
    await expect.poll(() => sent.count()).toBe(1);
    expect(await sent.innerText()).toContain('"Quiet CEO"');

    const quiet = table().locator('tr[data-type="task.queued"][data-status=suppressed]');
    await expect.poll(() => quiet.count()).toBeGreaterThan(0);
    expect(await quiet.first().innerText()).toContain('silent_tier');
    expect(await quiet.first().getByTestId('explanation').innerText()).toBe(
      'The rules table says this kind of event is never sent.',
    );

    const buffered = table().locator('tr[data-type="mission.approved"]');
    expect(await buffered.innerText()).toContain('Waiting in the digest buffer.');
  });

  it('filters by status', async () => {
    const { page } = session;
    await page.getByRole('combobox', { name: 'Status' }).selectOption('suppressed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => table().locator('tr[data-status=sent]').count()).toBe(0);
    expect(await table().locator('tr[data-status=suppressed]').count()).toBeGreaterThan(0);
    await page.getByRole('combobox', { name: 'Status' }).selectOption('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => table().locator('tr[data-status=sent]').count()).toBe(1);
  });

  it('shows the CEO inside: queue depth, digest buffer, guards, model and spend', async () => {
    const { page } = session;
    await expect.poll(() => page.getByTestId('ceo-queue-depth').innerText()).toMatch(/^\d+$/);
    const buffer = page.getByTestId('digest-buffer');
    expect(await buffer.innerText()).toMatch(/1 event\(s\), due /);
    expect(await buffer.innerText()).toContain('Mission "Quiet CEO" was approved');
    for (const guard of ['operator_active', 'recent_send_failure', 'too_soon'])
      expect(await page.getByTestId(`guard-${guard}`).innerText()).toContain('open');
    expect(await page.getByTestId('ceo-model').innerText()).toContain('not configured');
    expect(await page.getByTestId('ceo-voice-spend').innerText()).toBe('$0.00 of $0.50');
  });

  it('runs the ops scan on demand and opens the scan to show its findings', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Run ops scan now' }).click();
    // The approved task waits and no runner ever checked in: the worker lag trigger fires.
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('worker_lag');
    const scan = table().locator('tr[data-type="ops.scan"]');
    await expect.poll(() => scan.count()).toBe(1);
    await scan.getByRole('button', { name: 'Show what it carried' }).click();
    await expect.poll(() => table().locator('tr.members').innerText()).toContain('ops.worker_lag');
  });
});
