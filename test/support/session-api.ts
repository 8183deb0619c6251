import type { Page } from 'playwright-core';
import type { SignedIn } from './signed-in';

/**
 * An API call from Node with the browser page's session cookie (so as the same user), with
 * the Origin a browser would send: the real path, CSRF check and audit included.
 */
export async function callAs(
  { hq, page }: Pick<SignedIn, 'hq' | 'page'>,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<Response> {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'hq_session');
  return fetch(`${hq.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      cookie: `hq_session=${cookie?.value}`,
      origin: hq.url,
      'content-type': 'application/json',
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

/** The same, for a call that must succeed: its JSON body. */
export async function jsonAs<T>(
  session: Pick<SignedIn, 'hq' | 'page'>,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const response = await callAs(session, path, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A one-task mission proposal, as the API takes it. */
export const missionPlan = (title: string) => ({
  title,
  brief: `Browser test mission ${title}.`,
  repository: 'demo/storefront',
  tasks: [{ title: `${title} task`, spec: 'Change src/app.ts.', expectedScope: ['src/**'] }],
});

/** Another page in the same browser, signed in locally as someone else (its own context). */
export async function pageAs({ hq, browser }: Pick<SignedIn, 'hq' | 'browser'>, email: string) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page: Page = await context.newPage();
  await page.goto(`${hq.url}/signin`);
  await page.getByLabel('Local sign-in (development only)').fill(email);
  await page.getByRole('button', { name: 'Sign in locally' }).click();
  await page.getByTestId('whoami').waitFor();
  return page;
}
