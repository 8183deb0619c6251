import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../worker/http/security-policy';
import type { LocalHq } from '../support/local-hq';
import { startHqAndBrowser } from '../support/signed-in';

// Every page of the app under its Content-Security-Policy, in a real browser: a violation
// (an inline script or style, a foreign host) would show as a console error or an event.
let hq: LocalHq;
let browser: Browser;
let page: Page;
const violations: string[] = [];

beforeAll(async () => {
  ({ hq, browser } = await startHqAndBrowser());
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `Content Security Policy event: ${event.violatedDirective} ${event.blockedURI}`,
      );
    });
  });
});

afterAll(async () => {
  await browser?.close();
  await hq?.stop();
});

const SECURITY = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

describe('security headers and the Content-Security-Policy', () => {
  it('sends them with the app’s pages, its static files and its API', async () => {
    for (const path of ['/', '/office', '/docs/api/', '/api/health', '/auth/providers']) {
      const response = await fetch(`${hq.url}${path}`);
      expect(response.status, path).toBe(200);
      for (const [name, value] of Object.entries(SECURITY))
        expect(response.headers.get(name), `${name} on ${path}`).toBe(value);
    }
    // HSTS is for https: the static files carry it always (browsers ignore it on http),
    // the worker only on https.
    expect((await fetch(`${hq.url}/`)).headers.get('strict-transport-security')).toMatch(
      /^max-age=31536000/,
    );
  });

  it('loads every page, the office and the API reference with no violation', async () => {
    await page.goto(`${hq.url}/signin`);
    await page.getByLabel('Local sign-in (development only)').fill('admin@hq.local');
    await page.getByRole('button', { name: 'Sign in locally' }).click();
    await page.getByTestId('whoami').waitFor();
    for (const path of [
      '/',
      '/agents',
      '/missions',
      '/routines',
      '/tasks',
      '/review',
      '/notifications',
      '/audit',
      '/chat',
      '/settings',
    ]) {
      await page.goto(`${hq.url}${path}`);
      await page.getByTestId('whoami').waitFor();
      await page.waitForLoadState('networkidle');
    }
    await page.goto(`${hq.url}/office`);
    // The robots are drawn: WebGL and the office socket under the policy.
    await page.locator('canvas').first().waitFor();
    await page.waitForTimeout(1500);
    await page.goto(`${hq.url}/docs/api/`);
    await page.locator('.opblock').first().waitFor();
    expect(violations).toEqual([]);
    // The watch works: an inline script added now is refused and reported.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    });
    await expect.poll(() => violations.length).toBe(1);
    expect(await page.evaluate(() => 'inlineRan' in window)).toBe(false);
  });

  it('refuses to be framed by another site', async () => {
    const framing = await browser.newPage();
    try {
      await framing.setContent(`<iframe src="${hq.url}/signin"></iframe>`);
      await framing.waitForTimeout(1500);
      // Chromium refuses the document (frame-ancestors 'none') and shows its error page.
      const frame = framing.frames()[1];
      expect(frame?.url()).toBe('chrome-error://chromewebdata/');
      // The same page opens fine on its own.
      const own = await framing.goto(`${hq.url}/signin`);
      expect(own?.status()).toBe(200);
    } finally {
      await framing.close();
    }
  });
});
