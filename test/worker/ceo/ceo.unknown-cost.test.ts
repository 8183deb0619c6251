import { beforeAll, describe, expect, it } from 'vitest';
import { claimNow, registerRunner, runnerCall, success, taskFor } from '../runners/support';
import { linkChat, said, send, textUpdate, useTelegram } from '../telegram/support';
import { noModel } from './support';
import { hire } from './work';

let chat: number;

async function ask(text: string): Promise<string> {
  const before = (await said(chat)).length;
  await send(textUpdate(chat, text));
  const after = await said(chat);
  expect(after.length, `no answer to ${text}`).toBe(before + 1);
  return after.at(-1) ?? '';
}

beforeAll(async () => {
  await useTelegram();
  await noModel();
  chat = await linkChat('viewer@test.hq');
});

describe('what the CEO says about spend', () => {
  it('says how many runs are of unknown cost instead of counting them as $0', async () => {
    await hire({ slug: 'uc-cody', monthlyBudgetTokens: 50_000 });
    const { token } = await registerRunner('uc-runner');
    await taskFor('uc-cody', 'tokens without money');
    const claim = await claimNow(token);
    const report = await runnerCall(token, `/api/runner/tasks/${claim?.task.id}/report`, {
      json: success(['src/a.ts'], {
        model: 'no-price-model',
        inputTokens: 4000,
        outputTokens: 500,
        costUsd: null,
      }),
    });
    expect(report.status).toBe(200);

    expect(await ask('/budget')).toContain(
      'uc-cody: $0.00, plus 1 run of unknown cost (4,500 tokens, no price); 4,500 of 50,000 tokens',
    );
    expect(await ask('/status')).toMatch(
      /this month, plus \d+ runs? of unknown cost \([\d,]+ tokens, no price\)\./,
    );
    expect(await ask('/briefing')).toMatch(/plus \d+ runs? of unknown cost/);
  });
});
