import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { costOf } from '../../../worker/ceo/model';
import { call, signInAs } from '../support/client';
import {
  ceo,
  emitTaskMove,
  fakeClock,
  HOUR,
  modelRequests,
  noModel,
  notification,
  patchSettings,
  script,
  useModels,
} from './support';

let clock: ReturnType<typeof fakeClock>;
const PERSONA = 'You are Ada Quill, CEO of Acme Robots: warm, brief, never alarmist.';

/** An IMMEDIATE notification (a failed task) through the CEO: its row, once placed. */
async function failedTask(taskId: string) {
  const id = await emitTaskMove(taskId, 'FAILED');
  await ceo().poke();
  const row = await notification(id);
  expect(row?.status).toBe('sent');
  return row;
}

const voiceSpend = async (model: string) =>
  (
    await env.DB.prepare(
      `SELECT purpose, provider, model, input_tokens AS inputTokens, output_tokens AS outputTokens,
              cost_usd AS costUsd FROM spend_ledger WHERE model = ?`,
    )
      .bind(model)
      .all()
  ).results;

const spentToday = async () => (await ceo().state()).model.voiceSpentTodayUsd;

beforeAll(async () => {
  clock = fakeClock('2031-09-09T10:00:00Z');
  const admin = await signInAs('admin@test.hq');
  const hired = await call('/api/agents', {
    method: 'POST',
    cookie: admin,
    json: {
      slug: 'the-ceo',
      name: 'Ada',
      type: 'LEAD',
      role: 'CEO',
      identity: PERSONA,
      model: 'm',
      provider: 'openai',
      workerEnabled: false,
    },
  });
  expect(hired.status, await hired.clone().text()).toBe(201);
});
afterAll(() => vi.useRealTimers());

describe('the voice layer', () => {
  it("rewrites outgoing text in the CEO agent's identity with the voice model, and records the spend", async () => {
    await useModels({ voice: 'voice-vc-persona' });
    await script('voice-vc-persona', [{ text: 'Ada here: the build task failed.' }]);
    const row = await failedTask('vc-persona');
    expect(row).toMatchObject({ text: 'Ada here: the build task failed.', voice: 'persona' });
    expect(row?.rawText).toBe('Task vc-persona failed.');

    const [request] = await modelRequests('voice-vc-persona');
    const messages = request?.body.messages as { role: string; content: string }[];
    expect(messages[0]?.role).toBe('system');
    expect(messages[0]?.content.startsWith(PERSONA)).toBe(true);
    expect(messages[1]).toEqual({ role: 'user', content: 'Task vc-persona failed.' });

    expect(await voiceSpend('voice-vc-persona')).toEqual([
      {
        purpose: 'voice',
        provider: 'openai-compatible',
        model: 'voice-vc-persona',
        inputTokens: 100,
        outputTokens: 20,
        costUsd: costOf('voice-vc-persona', 100, 20),
      },
    ]);
    expect(await spentToday()).toBeCloseTo(costOf('voice-vc-persona', 100, 20), 10);
  });

  it('sends the raw text, without calling the model, once the daily budget is spent; a new local day starts afresh', async () => {
    const oneCall = costOf('voice-vc-budget', 100, 20);
    await patchSettings({ briefing: { time: '07:30', timeZone: 'Europe/Paris' } });
    // Room for exactly one more call today.
    await useModels(
      { voice: 'voice-vc-budget' },
      { voiceDailyBudgetUsd: (await spentToday()) + oneCall / 2 },
    );
    await script('voice-vc-budget', [
      { text: 'Voiced under budget.' },
      { text: 'Voiced tomorrow.' },
    ]);
    expect(await failedTask('vc-budget-1')).toMatchObject({ voice: 'persona' });
    expect(await failedTask('vc-budget-2')).toMatchObject({
      voice: 'raw:budget',
      text: 'Task vc-budget-2 failed.',
    });
    expect(await modelRequests('voice-vc-budget')).toHaveLength(1);

    // 23:59 in Paris is still today; midnight there is a new day with a new budget.
    clock.advance(Date.parse('2031-09-09T21:59:00Z') - clock.now());
    expect(await failedTask('vc-budget-3')).toMatchObject({ voice: 'raw:budget' });
    clock.advance(60_000);
    expect(await spentToday()).toBe(0);
    expect(await failedTask('vc-budget-4')).toMatchObject({
      voice: 'persona',
      text: 'Voiced tomorrow.',
    });
    expect(await modelRequests('voice-vc-budget')).toHaveLength(2);
    await patchSettings({ briefing: { time: '07:30', timeZone: 'UTC' } });
  });

  it('sends the raw text when the model answers with an error, and records no spend for it', async () => {
    await useModels({ voice: 'voice-vc-error' });
    await script('voice-vc-error', [{ status: 500, message: 'the model is down' }]);
    expect(await failedTask('vc-error')).toMatchObject({
      voice: 'raw:error',
      text: 'Task vc-error failed.',
    });
    expect(await modelRequests('voice-vc-error')).toHaveLength(1);
    expect(await voiceSpend('voice-vc-error')).toEqual([]);
  });

  it.each([
    ['answers too late', { text: 'too late', delayMs: 2_000 }],
    ['never answers', { hang: true as const }],
  ])('sends the raw text when the model %s (voiceTimeoutMs)', async (name, reply) => {
    const model = `voice-vc-timeout-${name.split(' ')[0]}`;
    await useModels({ voice: model }, { voiceTimeoutMs: 200 });
    await script(model, [reply]);
    expect(await failedTask(`vc-timeout-${name.split(' ')[0]}`)).toMatchObject({
      voice: 'raw:timeout',
    });
    expect(await modelRequests(model)).toHaveLength(1);
  });

  it('sends the raw text when no model is configured', async () => {
    clock.advance(HOUR);
    await noModel();
    expect(await failedTask('vc-none')).toMatchObject({
      voice: 'raw:no_model',
      text: 'Task vc-none failed.',
      rawText: 'Task vc-none failed.',
    });
  });
});
