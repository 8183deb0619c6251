import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInDev } from '../support/hq-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// A viewer watches a run's log in a real browser while a runner (this test, through the
// runner API) appends to it: follow, pause, download, the last line, the end of the run.
let session: SignedIn;
let hq: SignedIn['hq'];
let page: SignedIn['page'];
let admin = '';
let bearer: Record<string, string> = {};

async function call(path: string, body: unknown, headers: Record<string, string>, method = 'POST') {
  const response = await fetch(`${hq.url}${path}`, {
    method,
    headers: { origin: hq.url, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

beforeAll(async () => {
  session = await startSignedIn('viewer@hq.local', { width: 1400, height: 900 });
  ({ hq, page } = session);
  admin = await signInDev(hq, 'admin@hq.local');
  const runner = await call('/api/runners', { name: 'browser-log' }, { cookie: admin });
  bearer = { authorization: `Bearer ${String(runner.token)}` };
  // What the runner CLI declares at start: it serves the demo repository.
  await call(
    '/api/runner/capabilities',
    { capabilities: [], repositories: [{ name: 'demo/storefront', pushes: false }] },
    bearer,
    'PUT',
  );
});

afterAll(async () => {
  await session?.close();
});

describe('the live run log on the task page', () => {
  it('follows new output, pauses, downloads, and shows the last line and the end of the run', async () => {
    const mission = await call(
      '/api/missions',
      {
        title: 'Log view mission',
        brief: 'Watch a log.',
        repository: 'demo/storefront',
        tasks: [
          { title: 'Logged task', spec: 'Print.', expectedScope: ['src/**'], agentHint: 'forge' },
        ],
      },
      { cookie: admin },
    );
    await call(`/api/missions/${String(mission.id)}/approve`, {}, { cookie: admin });
    const claim = (await call('/api/runner/claim', { waitSeconds: 0 }, bearer)) as {
      task: { id: string };
    };
    const id = claim.task.id;
    const append = (seq: number, text: string) =>
      call(`/api/runner/tasks/${id}/logs`, { run: 1, seq, text }, bearer);
    await append(1, 'first line\n');
    await call(`/api/runner/tasks/${id}/heartbeat`, { lastLine: 'first line' }, bearer);

    await page.goto(`${hq.url}/tasks/${id}`);
    const log = page.getByTestId('run-log');
    await expect.poll(() => log.innerText()).toBe('first line\n');
    expect(await page.getByTestId('log-live').isVisible()).toBe(true);
    expect(await page.getByTestId('task-last-line').innerText()).toBe('first line');

    // Following: new output appears by itself, and the view stays at its end.
    await append(2, `${Array.from({ length: 80 }, (_, i) => `output ${i}`).join('\n')}\n`);
    await expect.poll(() => log.innerText(), { timeout: 10_000 }).toContain('output 79');
    await expect
      .poll(() =>
        log.evaluate((el) => Math.abs(el.scrollHeight - el.clientHeight - el.scrollTop) < 4),
      )
      .toBe(true);

    // Paused: nothing new comes in until the reader follows again.
    await page.getByRole('button', { name: 'Pause' }).click();
    await append(3, 'while paused\n');
    await page.waitForTimeout(3_500);
    expect(await log.innerText()).not.toContain('while paused');
    await page.getByRole('button', { name: 'Follow' }).click();
    await expect.poll(() => log.innerText(), { timeout: 10_000 }).toContain('while paused');

    const link = page.getByRole('link', { name: 'Download' });
    expect(await link.getAttribute('href')).toBe(`/api/tasks/${id}/logs.txt?run=1`);
    const downloaded = await page.evaluate(async (href) => {
      const response = await fetch(href);
      return { type: response.headers.get('content-type'), text: await response.text() };
    }, `/api/tasks/${id}/logs.txt?run=1`);
    expect(downloaded.type).toBe('text/plain; charset=utf-8');
    expect(downloaded.text).toBe(await log.innerText());

    // The run ends: the log stops being live and the page shows the task's new state.
    await call(
      `/api/runner/tasks/${id}/report`,
      {
        outcome: 'success',
        headCommit: 'abc1234def'.padEnd(40, '0'),
        commits: ['abc1234def'],
        numstat: [{ path: 'src/app.ts', added: 1, removed: 0 }],
        inputTokens: 1,
        outputTokens: 1,
        costUsd: 0,
        provider: 'openai',
        model: 'gpt-4.1',
      },
      bearer,
    );
    await expect
      .poll(() => page.getByTestId('task-status').innerText(), { timeout: 10_000 })
      .toBe('REVIEW');
    expect(await page.getByTestId('log-live').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);

    // The board's card carries the last line too.
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await expect.poll(() => page.getByTestId('column-REVIEW').innerText()).toContain('first line');
  });
});
