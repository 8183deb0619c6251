import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// What the Routines browser tests share (test/node/web.routines*.test.ts).

/** Waits for a page that answers after a server round trip (slow on a busy machine). */
export const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

/** One routine's page. */
export const routinePage = (page: Page) => page.locator('section.routine-page');

/**
 * Content-Security-Policy violations the page reports from now on: the app lives under
 * style-src/script-src 'self', and Chromium says so on the console when anything breaks it.
 */
export function watchPolicy(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}
