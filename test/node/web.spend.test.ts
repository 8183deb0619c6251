import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAsPage, type SignedIn, startSignedIn } from '../support/signed-in';

// Honest cost in a real browser, against the demo company local HQ seeds (forge runs
// openai/gpt-4.1): the price table edited in Settings, and runs whose CLI reported tokens
// and no money shown as estimated (with a price) or as "cost unknown" (without), never $0.
let session: SignedIn;
let hq: SignedIn['hq'];
let page: SignedIn['page'];

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local', { width: 1400, height: 900 });
  ({ hq, page } = session);
});

afterAll(async () => {
  await session?.close();
});

async function asAdmin(path: string, body?: unknown, headers?: Record<string, string>) {
  const response = await fetchAsPage(session, path, body, headers);
  expect(response.ok, `${path}: ${await response.clone().text()}`).toBe(true);
  return response.status === 204 ? undefined : ((await response.json()) as unknown);
}

/** What the runner CLI declares at start: it serves the demo repository. */
async function serveDemoRepository(token: string) {
  const response = await fetch(`${hq.url}/api/runner/capabilities`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      capabilities: [],
      repositories: [{ name: 'demo/storefront', pushes: false }],
    }),
  });
  expect(response.status).toBe(200);
}

/** A task for forge, claimed and reported with tokens and no money under `model`. */
async function reportTokensOnly(title: string, model: string, bearer: Record<string, string>) {
  const mission = (await asAdmin('/api/missions', {
    title,
    brief: 'b',
    repository: 'demo/storefront',
    tasks: [{ title, spec: 's', expectedScope: ['src/**'], agentHint: 'forge' }],
  })) as { id: string };
  await asAdmin(`/api/missions/${mission.id}/approve`, {});
  const claim = (await asAdmin('/api/runner/claim', { waitSeconds: 0 }, bearer)) as {
    task: { id: string; title: string };
  };
  expect(claim.task.title).toBe(title);
  await asAdmin(
    `/api/runner/tasks/${claim.task.id}/report`,
    {
      outcome: 'success',
      headCommit: 'abc1234def'.padEnd(40, '0'),
      commits: ['abc1234def'],
      numstat: [{ path: 'src/app.ts', added: 1, removed: 0 }],
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      costUsd: null,
      provider: 'openai',
      model,
    },
    bearer,
  );
  return claim.task.id;
}

describe('honest cost in the web app', () => {
  it('an admin sets a price in Settings; a bad one is refused naming the field', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const form = page.getByRole('form', { name: 'Set a price' });
    await form.getByLabel('Price provider').selectOption('openai');
    await form.getByLabel('Price model').fill('gpt-4.1');
    await form.getByLabel('Input USD per million').fill('2');
    await form.getByRole('button', { name: 'Set price' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Price table' }).innerText())
      .toContain('outputPerMillionUsd');
    await form.getByLabel('Output USD per million').fill('8');
    await form.getByRole('button', { name: 'Set price' }).click();
    const row = page.getByTestId('price-openai/gpt-4.1');
    await expect.poll(() => row.innerText()).toContain('$8');
    expect(await row.innerText()).toContain('admin@hq.local');
  });

  it('shows an estimated run as such, and a run nobody priced as "cost unknown", not $0', async () => {
    const runner = (await asAdmin('/api/runners', { name: 'spend-browser' })) as { token: string };
    const bearer = { authorization: `Bearer ${runner.token}` };
    await serveDemoRepository(runner.token);
    // Priced with the row above: $2 + $0.80.
    const priced = await reportTokensOnly('Priced by the table', 'gpt-4.1', bearer);
    const unknown = await reportTokensOnly('Nobody priced it', 'gpt-unpriced', bearer);

    await page.goto(`${hq.url}/tasks/${priced}`);
    await expect
      .poll(() => page.getByTestId('task-cost').innerText())
      .toBe('$2.80 (1 run estimated from the price table)');
    await page.goto(`${hq.url}/tasks/${unknown}`);
    await expect.poll(() => page.getByTestId('task-cost').innerText()).toBe('cost unknown: 1 run');

    await page.goto(`${hq.url}/`);
    await expect
      .poll(() => page.getByTestId('kpi-unknown-cost').innerText())
      .toMatch(/^1\s+run of unknown cost \(1,100,000 tokens\): not in the money$/);
    const forge = await page.getByTestId('spend-forge').innerText();
    expect(forge).toContain('$2.80');
    expect(forge).toContain('cost unknown: 1 run, 1,100,000 tokens');

    await page.goto(`${hq.url}/agents/forge`);
    await expect
      .poll(() => page.getByTestId('month-spend-forge').innerText())
      .toContain('cost unknown: 1 run');
  });
});
