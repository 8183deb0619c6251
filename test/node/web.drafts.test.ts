import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelStandIn } from '../support/model-stand-in';
import type { Reply } from '../support/provided-context';
import { jsonAs } from '../support/session-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// A draft of the CEO's, edited in a real browser: the chat's Edit button opens the propose
// form filled in from the draft, and proposing the edited version rejects the draft as
// "replaced by" the new one. Real `wrangler dev`, the local OpenAI-compatible stand-in.
const MODEL = 'web-drafts-browser';
const REPO = 'drafts/browser';
const TITLE = 'Rate limits on search';

let session: SignedIn;
let models: Awaited<ReturnType<typeof startModelStandIn>>;

/** A runner serving REPO that reported its files, the way the runner CLI does. */
async function servedRepository() {
  const { token } = await jsonAs<{ token: string }>(session, '/api/runners', {
    body: { name: 'drafts-browser-runner' },
  });
  const put = (path: string, body: unknown) =>
    fetch(`${session.hq.url}${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect(
    (
      await put('/api/runner/capabilities', {
        capabilities: [],
        repositories: [{ name: REPO, pushes: false }],
      })
    ).status,
  ).toBe(200);
  const files = ['README.md', 'src/search/api.ts', 'src/search/query.ts'];
  const snapshot = await put(`/api/runner/repositories/${encodeURIComponent(REPO)}/snapshot`, {
    branch: 'main',
    headCommit: 'a'.repeat(40),
    files,
    fileCount: files.length,
  });
  expect(snapshot.status).toBe(200);
}

beforeAll(async () => {
  [session, models] = await Promise.all([startSignedIn('admin@hq.local'), startModelStandIn()]);
  await jsonAs(session, '/api/settings', {
    method: 'PATCH',
    body: {
      modelEndpoint: { baseUrl: models.baseUrl },
      defaultModels: {
        chat: MODEL,
        voice: 'web-voice',
        vision: 'web-vision',
        transcription: 'web-whisper',
        executor: 'web-executor',
      },
    },
  });
  await servedRepository();
});

afterAll(async () => {
  await session?.close();
  await models?.close();
});

async function script(replies: Reply[]) {
  const response = await fetch(`${models.root}/__script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, replies }),
  });
  expect(response.status).toBe(200);
}

interface Mission {
  id: string;
  title: string;
  status: string;
  decisionReason: string | null;
  plan: { expectedScope: string[] }[];
}

describe('a CEO draft, edited in the browser', () => {
  it('Edit opens the form on the draft; proposing the edit replaces the draft', async () => {
    const { page } = session;
    await script([
      {
        toolCalls: [
          {
            name: 'draft_mission',
            args: {
              title: TITLE,
              brief: 'Stop one client from flooding search.',
              repository: REPO,
              tasks: [
                {
                  title: 'Token bucket',
                  spec: 'Answer 429 over the limit.',
                  expected_scope: ['src/search'],
                },
              ],
            },
          },
        ],
      },
      { text: 'I drafted it.' },
    ]);
    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    await page
      .getByRole('textbox', { name: 'Message to the CEO' })
      .fill('add rate limits to search');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('button', { name: '✏️ Edit' }).click();

    await expect.poll(() => new URL(page.url()).pathname).toBe('/missions');
    const { items } = await jsonAs<{ items: Mission[] }>(session, '/api/missions');
    const draft = items.find((m) => m.title === TITLE);
    expect(new URL(page.url()).searchParams.get('draft')).toBe(draft?.id);
    await page.getByTestId('editing-draft').getByText(`Editing the draft "${TITLE}"`).waitFor();
    const form = page.getByRole('form', { name: 'Propose a mission' });
    await expect.poll(() => form.locator('input[name=title]').inputValue()).toBe(TITLE);
    expect(await form.getByLabel('Task 1 scope').inputValue()).toBe('src/search/**');

    await form.locator('input[name=title]').fill(`${TITLE}, per client`);
    await form.getByRole('button', { name: 'Propose instead of the draft' }).click();
    await page.getByTestId(`mission-${TITLE}, per client`).waitFor();
    await expect.poll(() => new URL(page.url()).search).toBe('');

    const after = await jsonAs<{ items: Mission[] }>(session, '/api/missions');
    const edited = after.items.find((m) => m.title === `${TITLE}, per client`);
    expect(edited?.status).toBe('PROPOSED');
    expect(after.items.find((m) => m.id === draft?.id)).toMatchObject({
      status: 'REJECTED',
      decisionReason: `replaced by ${edited?.id}`,
    });
  });
});
