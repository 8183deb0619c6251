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

/**
 * An API call from Node as the person signed in on the page: its session cookie, and the
 * Origin header the CSRF check wants. A call with a body is a POST.
 */
export async function fetchAsPage(
  session: Pick<SignedIn, 'hq' | 'page'>,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const cookies = await session.page.context().cookies();
  const cookie = cookies.find((c) => c.name === 'hq_session');
  return fetch(`${session.hq.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      cookie: `hq_session=${cookie?.value}`,
      origin: session.hq.url,
      'content-type': 'application/json',
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
