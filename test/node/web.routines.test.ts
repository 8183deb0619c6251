import { createHmac } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import { Cron } from 'croner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Api from '../../worker/routines/schemas';
import { poll, routinePage as routineSection, watchPolicy } from '../support/routines-page';
import { jsonAs, pageAs } from '../support/session-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// The Routines page against real `wrangler dev` (local D1, the demo company), signed in as an
// operator: what it creates, fires, pauses and edits goes through the real API and fire engine.
let session: SignedIn;
let page: SignedIn['page'];
let routineId = '';
let secret = '';
let hookUrl = '';
let violations: string[] = [];

type RoutineView = z.infer<typeof Api.Routine>;

beforeAll(async () => {
  session = await startSignedIn('operator@hq.local');
  ({ page } = session);
  violations = watchPolicy(page);
});

afterAll(async () => {
  await session?.close();
});

const routinePage = () => routineSection(page);
const fires = () => page.getByTestId('routine-fires').locator('tbody tr');
/** An ISO time as this browser's page shows it. */
const shown = (iso: string) => page.evaluate((t) => new Date(t).toLocaleString(), iso);

/** A delivery as GitHub sends one: signed with the secret the page showed. */
function deliver(body: string, deliveryId: string, key = secret) {
  const signature = createHmac('sha256', key).update(body).digest('hex');
  return fetch(hookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': `sha256=${signature}`,
      'x-github-delivery': deliveryId,
    },
    body,
  });
}

describe('routines in a real browser', () => {
  it('creates a mission routine with a cron and a webhook, shows its secret once and its next run', async () => {
    await page.getByRole('link', { name: 'Routines', exact: true }).click();
    await page.getByRole('button', { name: 'New routine' }).click();
    const form = page.getByRole('form', { name: 'New routine' });
    await form.locator('input[name=name]').fill('Weekday dependency bump');
    await form.locator('input[name="template.title"]').fill('Bump dependencies');
    await form.locator('input[name="template.repository"]').fill('demo/storefront');
    await form.locator('textarea[name="template.brief"]').fill('Update patch versions.');
    await form.getByLabel('Task 1 title').fill('Bump patch versions');
    await form.getByLabel('Task 1 spec').fill('Run npm update and commit the lockfile.');
    await form.getByLabel('Task 1 scope').fill('package.json, package-lock.json');
    // A bad hour is refused by the server, naming the field and the part of the cron.
    await form.locator('input[name=cron]').fill('0 25 * * *');
    await form.getByRole('button', { name: 'Create routine' }).click();
    await poll(() => form.locator('p.error').innerText()).toMatch(/^cron: hour: "25"/);
    await form.locator('input[name=cron]').fill('0 9 * * 1-5');
    expect(await form.getByTestId('cron-words').innerText()).toBe('on weekdays at 09:00');
    await form.locator('input[name=timeZone]').fill('Europe/Berlin');
    await form.locator('input[name=webhook]').check();
    await form.getByRole('button', { name: 'Create routine' }).click();

    await page.waitForURL(/\/routines\/[^/]+$/);
    routineId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    secret = await page.getByTestId('webhook-secret').innerText();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    hookUrl = await page.getByTestId('webhook-url').innerText();
    expect(hookUrl).toBe(`${session.hq.url}/api/hooks/routines/${routineId}`);
    expect(await page.getByTestId('routine-schedule').innerText()).toBe(
      'on weekdays at 09:00 · 0 9 * * 1-5 (Europe/Berlin)',
    );

    // The next run is the next weekday 09:00 in Berlin, shown where the reader is.
    const routine = await jsonAs<RoutineView>(session, `/api/routines/${routineId}`);
    const expected = new Cron('0 9 * * 1-5', { timezone: 'Europe/Berlin' }).nextRun();
    expect(routine.nextRunAt).toBe(expected?.toISOString());
    expect(await page.getByTestId('routine-next-run').innerText()).toBe(
      await shown(routine.nextRunAt ?? ''),
    );

    // Shown once: the page, opened again, has the URL but not the secret.
    await page.reload();
    await page.getByTestId('webhook-url').waitFor();
    expect(await page.getByTestId('webhook-secret').count()).toBe(0);
  });

  it('fires now and shows the fire in its history with the mission it proposed', async () => {
    await routinePage().getByRole('button', { name: 'Fire now' }).click();
    await poll(() => page.getByRole('status').innerText()).toBe(
      'Fired: mission “Bump dependencies” proposed.',
    );
    await poll(() => fires().count()).toBe(1);
    const row = await fires().first().innerText();
    expect(row).toContain('api');
    expect(row).toContain('proposed');
    expect(row).toContain('operator@hq.local');
    expect(await page.getByTestId('routine-last-fire').innerText()).toContain('Bump dependencies');

    // The link leads to the mission, waiting for a decision on the missions page.
    await fires().first().getByRole('link', { name: 'Bump dependencies' }).click();
    const mission = page.getByTestId('mission-Bump dependencies');
    await mission.waitFor();
    expect(await mission.innerText()).toContain('PROPOSED');
    expect(await mission.innerText()).toContain('demo/storefront');
    // Approved, its tasks exist: the fire's link now leads to them on the task board.
    await mission.getByRole('button', { name: 'Approve' }).click();
    await poll(() => mission.innerText()).toContain('APPROVED');
    await page.goBack();
    await routinePage().waitFor();
    const link = fires().first().getByRole('link', { name: 'Bump dependencies' });
    await poll(() => fires().first().innerText()).toContain('APPROVED');
    await link.click();
    await page.waitForURL(/\/tasks\?missionId=/);
    await poll(() => page.locator('.board').innerText()).toContain('Bump patch versions');
    await page.goBack();
    await routinePage().waitFor();
  });

  it('takes a signed webhook delivery once, however often it is sent, and refuses a bad signature', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    expect((await deliver(body, 'delivery-1', 'f'.repeat(64))).status).toBe(401);
    expect((await deliver(body, 'delivery-1')).status).toBe(202);
    const again = await deliver(body, 'delivery-1');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true);

    await page.reload();
    await poll(() => fires().count()).toBe(2);
    // Newest first; the first fire's mission is still open (APPROVED): skip_if_open skipped it.
    const newest = await fires().first().innerText();
    expect(newest).toContain('webhook');
    expect(newest).toContain('skipped');
    expect(newest).toContain('Bump dependencies');
  });

  it('pauses (no next run, a badge) and resumes with a next run again', async () => {
    await routinePage().getByRole('button', { name: 'Pause' }).click();
    await poll(() => page.getByRole('status').innerText()).toBe(
      'Paused: nothing fires until it is resumed.',
    );
    expect(await routinePage().locator('h2 .badge.paused').innerText()).toBe('paused');
    expect(await page.getByTestId('routine-next-run').innerText()).toBe('none while paused');

    await page.getByRole('link', { name: '← Routines' }).click();
    const card = page.getByTestId('routine-Weekday dependency bump');
    await poll(() => card.innerText()).toContain('paused');
    await card.getByRole('link', { name: 'Weekday dependency bump' }).click();

    await routinePage().getByRole('button', { name: 'Resume' }).click();
    await poll(() => page.getByRole('status').innerText()).toBe('Resumed.');
    expect(await routinePage().locator('h2 .badge.paused').count()).toBe(0);
    const routine = await jsonAs<RoutineView>(session, `/api/routines/${routineId}`);
    expect(routine.paused).toBe(false);
    expect(await page.getByTestId('routine-next-run').innerText()).toBe(
      await shown(routine.nextRunAt ?? ''),
    );
  });

  it('edits the schedule and shows revision 1 with its diff and reason', async () => {
    await routinePage().getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit routine' });
    expect(await form.locator('input[name=cron]').inputValue()).toBe('0 9 * * 1-5');
    await form.locator('input[name=cron]').fill('30 7 * * *');
    await form.locator('input[name=reason]').fill('earlier, every day');
    await form.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByRole('status').innerText()).toBe('Saved as revision 1.');
    expect(await page.getByTestId('routine-schedule').innerText()).toBe(
      'every day at 07:30 · 30 7 * * * (Europe/Berlin)',
    );
    const revision = page.getByTestId('routine-revision-1');
    await poll(() => revision.innerText()).toContain('earlier, every day');
    expect(await revision.innerText()).toMatch(/cron\s*0 9 \* \* 1-5\s*→\s*30 7 \* \* \*/);
    expect(await revision.innerText()).toContain('operator@hq.local');
  });

  it('rolls back to revision 0 as revision 2, saying the webhook is left as it is', async () => {
    await page.getByRole('button', { name: 'Roll back to revision 0' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm rollback' });
    await dialog.getByLabel('Reason').fill('weekdays were right');
    await dialog.getByRole('button', { name: 'Confirm rollback' }).click();
    await poll(() => page.getByRole('status').innerText()).toMatch(
      /^Rolled back to revision 0 as revision 2\. Not restored: webhook \(/,
    );
    expect(await page.getByTestId('routine-schedule').innerText()).toBe(
      'on weekdays at 09:00 · 0 9 * * 1-5 (Europe/Berlin)',
    );
    await poll(() => page.getByTestId('routine-revision-2').innerText()).toContain(
      'weekdays were right',
    );
    // The webhook still answers with the secret shown at creation.
    expect((await deliver('{}', 'delivery-2')).status).toBe(202);
  });

  it('pre-approves and fires even while a mission is open: the new mission is approved at once', async () => {
    await routinePage().getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit routine' });
    await form.locator('input[name=preApproved]').check();
    await form.locator('select[name=concurrency]').selectOption('always');
    await form.locator('input[name=reason]').fill('trusted chore');
    await form.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByRole('status').innerText()).toBe('Saved as revision 3.');
    expect(await routinePage().locator('dl.facts').innerText()).toContain(
      'pre-approved by operator@hq.local',
    );
    await routinePage().getByRole('button', { name: 'Fire now' }).click();
    await poll(() => page.getByRole('status').innerText()).toBe(
      'Fired: mission “Bump dependencies” approved.',
    );
    // Fire now, the webhook delivery, the one after the rollback, and this one.
    await poll(() => fires().count()).toBe(4);
    const newest = await fires().first().innerText();
    expect(newest).toMatch(/\tapi\tapproved\t/);
    expect(newest).toContain('Bump dependencies APPROVED');
    expect(violations).toEqual([]);
  });

  it('shows viewers the routine and its history, with no way to change or fire it', async () => {
    const viewer = await pageAs(session, 'viewer@hq.local');
    await viewer.getByRole('link', { name: 'Routines', exact: true }).click();
    const card = viewer.getByTestId('routine-Weekday dependency bump');
    await card.waitFor();
    expect(await viewer.getByRole('button', { name: 'New routine' }).count()).toBe(0);
    await card.getByRole('link', { name: 'Weekday dependency bump' }).click();
    await viewer.getByTestId('routine-fires').waitFor();
    for (const name of ['Fire now', 'Pause', 'Edit', 'Archive', 'Rotate secret'])
      expect(await viewer.getByRole('button', { name }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /Roll back/ }).count()).toBe(0);
    await viewer.context().close();
  });
});
