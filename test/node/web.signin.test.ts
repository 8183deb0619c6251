import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalHq } from '../support/local-hq';
import { startHqAndBrowser } from '../support/signed-in';

let hq: LocalHq;
let browser: Browser;

beforeAll(async () => {
  ({ hq, browser } = await startHqAndBrowser());
});

afterAll(async () => {
  await browser?.close();
  await hq?.stop();
});

async function signIn(page: Page, email: string) {
  await page.goto(`${hq.url}/`);
  await page.waitForURL('**/signin');
  await page.getByLabel('Local sign-in (development only)').fill(email);
  await page.getByRole('button', { name: 'Sign in locally' }).click();
}

describe('web shell in a real browser', () => {
  it('signs in locally and shows the email and role, then signs out', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await signIn(page, 'admin@hq.local');
    await expect
      .poll(() => page.getByTestId('whoami').innerText())
      .toMatch(/admin@hq\.local\s+admin/i);
    for (const label of [
      'Dashboard',
      'Agents',
      'Missions',
      'Tasks',
      'Review',
      'Notifications',
      'Audit log',
      'Chat',
      'Office',
      'Settings',
    ]) {
      await expect.poll(() => page.getByRole('link', { name: label, exact: true }).count()).toBe(1);
    }
    await page.getByTestId('whoami').click();
    await page.waitForURL('**/profile');
    expect(await page.getByTestId('profile-email').innerText()).toBe('admin@hq.local');
    expect(await page.getByTestId('profile-role').innerText()).toBe('admin');
    // The session is an httpOnly cookie: page scripts cannot see it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('hq_session');
    await page.getByRole('main').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/signin');
    await page.goto(`${hq.url}/profile`);
    await page.waitForURL('**/signin');
    await page.close();
  });

  it('shows a viewer their role and hides admin-only settings', async () => {
    const page = await browser.newPage();
    await signIn(page, 'viewer@hq.local');
    await expect
      .poll(() => page.getByTestId('whoami').innerText())
      .toMatch(/viewer@hq\.local\s+viewer/i);
    expect(await page.getByRole('link', { name: 'Settings', exact: true }).count()).toBe(0);
    await page.close();
  });

  it('refuses an email with no role and stays on the sign-in page', async () => {
    const page = await browser.newPage();
    await signIn(page, 'nobody@hq.local');
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toContain('nobody@hq.local has no role');
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.close();
  });

  it('serves the interactive API reference from the OpenAPI document, with no CDN', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(hq.url) && !request.url().startsWith('data:'))
        external.push(request.url());
    });
    await page.goto(`${hq.url}/docs/api/`);
    await expect
      .poll(() => page.locator('.opblock-summary-path').allInnerTexts(), { timeout: 20_000 })
      .toContain('/api/me');
    expect(external).toEqual([]);
    await page.close();
  });
});
