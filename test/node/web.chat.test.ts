import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelStandIn } from '../support/model-stand-in';
import type { Reply } from '../support/provided-context';
import { jsonAs, missionPlan } from '../support/session-api';
import { type SignedIn, startSignedIn } from '../support/signed-in';

// The web chat against real `wrangler dev`, its CEO answering through a local
// OpenAI-compatible server that streams one word per chunk.
const MODEL = 'web-chat-browser';
const ANSWER =
  'Two agents are busy on the storefront, one mission waits for your approval, ' +
  'nothing has failed today and the budget has plenty of headroom left this month.';

let session: SignedIn;
let models: Awaited<ReturnType<typeof startModelStandIn>>;

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

const box = () => session.page.getByRole('textbox', { name: 'Message to the CEO' });
const lastAnswer = () =>
  session.page.locator('li[data-sender=ceo]').last().getByTestId('message-text');

async function say(text: string) {
  await box().fill(text);
  await session.page.getByRole('button', { name: 'Send' }).click();
}

describe('the web chat in a real browser', () => {
  it('streams the answer token by token, and keeps the conversation after a reload', async () => {
    const { page } = session;
    await script([{ text: ANSWER, chunkDelayMs: 120 }]);
    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    await page.getByText('No messages yet').waitFor();
    await say('How is the company doing?');

    // Seen part-way: some words shown, not all of them, while the CEO is still typing.
    await expect
      .poll(() => lastAnswer().innerText(), { interval: 40, timeout: 15_000 })
      .toSatisfy((text: string) => text.length > 0 && text.length < ANSWER.length);
    expect(await page.getByText('CEO is typing').isVisible()).toBe(true);
    await expect.poll(() => lastAnswer().innerText(), { timeout: 15_000 }).toBe(ANSWER);
    await expect.poll(() => page.getByText('CEO is typing').count()).toBe(0);
    expect(await box().inputValue()).toBe('');

    await page.reload();
    await expect.poll(() => lastAnswer().innerText(), { timeout: 15_000 }).toBe(ANSWER);
    const mine = page.locator('li[data-sender=operator]').last();
    expect(await mine.innerText()).toContain('How is the company doing?');
  });

  it('asks before a write, and the Confirm button posts the action', async () => {
    const { page } = session;
    const mission = await jsonAs<{ id: string }>(session, '/api/missions', {
      body: missionPlan('Chat confirm'),
    });
    await script([
      { toolCalls: [{ name: 'approve_mission', args: { mission_id: mission.id } }] },
      { text: 'Approve "Chat confirm"?' },
    ]);
    await say('Approve the chat confirm mission');
    const confirm = page.getByRole('button', { name: '✔ Confirm' });
    await confirm.waitFor();
    expect(await page.getByRole('button', { name: '✖ Cancel' }).isVisible()).toBe(true);
    await confirm.click();
    await expect
      .poll(() => lastAnswer().innerText(), { timeout: 15_000 })
      .toContain('Mission "Chat confirm" approved.');
    expect(await confirm.count()).toBe(0);
    const after = await jsonAs<{ status: string }>(session, `/api/missions/${mission.id}`);
    expect(after.status).toBe('APPROVED');
  });

  it('shows a refused message and keeps it in the box to fix', async () => {
    const { page } = session;
    const tooLong = 'x'.repeat(4_001);
    await say(tooLong);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toContain('text');
    expect(await box().inputValue()).toBe(tooLong);
  });

  it('shows what the CEO remembers to operators', async () => {
    const panel = session.page.getByRole('complementary', { name: 'What the CEO remembers' });
    await expect.poll(() => panel.innerText()).toContain('Nothing yet');
  });
});
