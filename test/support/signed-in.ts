import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { type LocalHq, type LocalHqOptions, startLocalHq } from './local-hq';

export interface SignedIn {
  hq: LocalHq;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/**
 * Local HQ and a browser, started side by side. When either fails to start, the other is
 * ended before the error is thrown: a caller whose `beforeAll` throws has nothing to end.
 */
export async function startHqAndBrowser(
  vars: Record<string, string> = {},
  options: LocalHqOptions = {},
): Promise<{ hq: LocalHq; browser: Browser }> {
  const [hq, browser] = await Promise.allSettled([startLocalHq(vars, options), launchBrowser()]);
  if (hq.status === 'fulfilled' && browser.status === 'fulfilled') {
    return { hq: hq.value, browser: browser.value };
  }
  if (browser.status === 'fulfilled') await browser.value.close();
  if (hq.status === 'fulfilled') await hq.value.stop();
  throw hq.status === 'rejected' ? hq.reason : (browser as PromiseRejectedResult).reason;
}

/**
 * Local HQ (with its demo company) and a browser page signed in locally as `email`; `vars`
 * are passed to `wrangler dev` (e.g. a Telegram bot's configuration), `options` to
 * startLocalHq (e.g. seeding D1 first).
 */
export async function startSignedIn(
  email: string,
  viewport = { width: 1400, height: 900 },
  vars: Record<string, string> = {},
  options: LocalHqOptions = {},
): Promise<SignedIn> {
  const { hq, browser } = await startHqAndBrowser(vars, options);
  const close = async () => {
    await browser.close();
    await hq.stop();
  };
  try {
    const page = await browser.newPage({ viewport });
    await page.goto(`${hq.url}/signin`);
    await page.getByLabel('Local sign-in (development only)').fill(email);
    await page.getByRole('button', { name: 'Sign in locally' }).click();
    await page.getByTestId('whoami').waitFor();
    return { hq, browser, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
