import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { type LocalHq, startLocalHq } from './local-hq';

export interface SignedIn {
  hq: LocalHq;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/**
 * Local HQ (with its demo company) and a browser page signed in locally as `email`; `vars`
 * are passed to `wrangler dev` (e.g. a Telegram bot's configuration).
 */
export async function startSignedIn(
  email: string,
  viewport = { width: 1400, height: 900 },
  vars: Record<string, string> = {},
): Promise<SignedIn> {
  const [hq, browser] = await Promise.all([startLocalHq(vars), launchBrowser()]);
  const page = await browser.newPage({ viewport });
  await page.goto(`${hq.url}/signin`);
  await page.getByLabel('Local sign-in (development only)').fill(email);
  await page.getByRole('button', { name: 'Sign in locally' }).click();
  await page.getByTestId('whoami').waitFor();
  return {
    hq,
    browser,
    page,
    close: async () => {
      await browser.close();
      await hq.stop();
    },
  };
}
