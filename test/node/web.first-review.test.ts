import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInDev } from '../support/hq-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// The reviewer agent's first pass on the task page, and the Review panel in Settings. The
// test is the runner here: it speaks the runner API as the CLI does (claim, patch, report,
// review claim and report).
let session: SignedIn;
let hq: SignedIn['hq'];
let page: SignedIn['page'];
let admin = '';
let bearer: Record<string, string> = {};

async function call(path: string, body: unknown, headers: Record<string, string>, method = 'POST') {
  const response = await fetch(`${hq.url}${path}`, {
    method,
    headers: { origin: hq.url, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  if (response.status === 204) return {} as Record<string, unknown>;
  return response.json() as Promise<Record<string, unknown>>;
}

const HEAD = 'e'.repeat(40);
const PATCH =
  'diff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1 +1 @@\n-old\n+new\n';

beforeAll(async () => {
  session = await startSignedIn('admin@hq.local', { width: 1400, height: 900 });
  ({ hq, page } = session);
  admin = await signInDev(hq, 'admin@hq.local');
  const runner = await call('/api/runners', { name: 'browser-review' }, { cookie: admin });
  bearer = { authorization: `Bearer ${String(runner.token)}` };
  await call(
    '/api/runner/capabilities',
    {
      capabilities: [{ preset: 'command', version: null }],
      repositories: [{ name: 'demo/storefront', pushes: false }],
    },
    bearer,
    'PUT',
  );
  await call('/api/agents/lens/archive', { reason: 'not in this test' }, { cookie: admin });
  await call(
    '/api/agents',
    {
      slug: 'web-critic',
      name: 'Web Critic',
      type: 'REVIEWER',
      role: 'Code reviewer',
      model: 'stand-in',
      provider: 'openai',
      executor: { preset: 'command', command: 'true' },
    },
    { cookie: admin },
  );
});

afterAll(async () => {
  await session?.close();
});

describe('the first review on the task page, and its settings', () => {
  it('shows the job queued, then the reviewer’s verdict and summary', async () => {
    const mission = await call(
      '/api/missions',
      {
        title: 'First review mission',
        brief: 'Review it.',
        repository: 'demo/storefront',
        tasks: [{ title: 'Reviewed', spec: 'Do.', expectedScope: ['src/**'], agentHint: 'forge' }],
      },
      { cookie: admin },
    );
    await call(`/api/missions/${String(mission.id)}/approve`, {}, { cookie: admin });
    const claim = (await call('/api/runner/claim', { waitSeconds: 0 }, bearer)) as {
      task: { id: string };
    };
    const id = claim.task.id;
    const upload = await fetch(`${hq.url}/api/runner/tasks/${id}/patch?head=${HEAD}`, {
      method: 'PUT',
      headers: { ...bearer, 'content-type': 'text/x-diff' },
      body: PATCH,
    });
    expect(upload.status).toBe(200);
    await call(
      `/api/runner/tasks/${id}/report`,
      {
        outcome: 'success',
        headCommit: HEAD,
        commits: [HEAD],
        numstat: [{ path: 'src/a.ts', added: 1, removed: 1 }],
        inputTokens: null,
        outputTokens: null,
        costUsd: null,
        provider: 'openai',
        model: 'stand-in',
      },
      bearer,
    );

    await page.goto(`${hq.url}/tasks/${id}`);
    const panel = page.getByTestId('first-review');
    await expect.poll(() => panel.innerText()).toContain('Web Critic');
    expect(await page.getByTestId('first-review-state').innerText()).toContain('queued');

    const job = (await call('/api/runner/reviews/claim', {}, bearer)) as { job: { id: string } };
    await call(
      `/api/runner/reviews/${job.job.id}/report`,
      {
        outcome: 'success',
        verdict: 'changes',
        summary: 'Explain why old became new.',
        comments: [{ path: 'src/a.ts', line: 1, body: 'Why?' }],
        inputTokens: null,
        outputTokens: null,
        costUsd: null,
        provider: 'openai',
        model: 'stand-in',
      },
      bearer,
    );
    // The page polls while the job is open: the verdict arrives by itself.
    await expect
      .poll(() => page.getByTestId('first-review-state').innerText(), { timeout: 10_000 })
      .toBe('asks for changes');
    expect(await page.getByTestId('first-review-summary').innerText()).toBe(
      'Explain why old became new.',
    );
  });

  it('the Review panel saves the policy, the rounds cap and auto-merge', async () => {
    await page.goto(`${hq.url}/settings`);
    const form = page.getByRole('form', { name: 'Review' });
    await form.getByRole('combobox').selectOption('reviewer_sends_back');
    await form.locator('input[name="roundsCap"]').fill('3');
    await form.getByRole('checkbox').check();
    await form.getByRole('button', { name: 'Save review' }).click();
    await expect
      .poll(() => page.getByRole('status').innerText())
      .toBe('Saved the review settings.');
    const settings = await fetch(`${hq.url}/api/settings`, { headers: { cookie: admin } });
    expect(((await settings.json()) as { settings: { review: unknown } }).settings.review).toEqual({
      policy: 'reviewer_sends_back',
      roundsCap: 3,
      mergeWhenReviewerApproves: true,
    });
  });
});
