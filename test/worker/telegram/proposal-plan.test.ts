import { beforeAll, describe, expect, it } from 'vitest';
import { missionLink, PLAN_TEXT_MAX } from '../../../worker/missions/proposal-text';
import { ceo, noModel } from '../ceo/support';
import { hinted, pastTasks } from '../missions/estimate.support';
import { hire, plan, propose } from '../missions/support';
import { call, signInAs } from '../support/client';
import { botCalls, linkChat, useTelegram } from './support';

// A proposal reaches Telegram with its plan and the estimate above Approve / Reject, so the
// operator decides from the message; a plan too long for one message ends in a link.

let operator: number;

beforeAll(async () => {
  await useTelegram();
  await noModel();
  await hire({ slug: 'pp-ada', role: 'PpCoders' }, { slug: 'pp-new', role: 'PpNewcomers' });
  await pastTasks('pp-ada', [[1], [2], [3]]);
  operator = await linkChat('operator@test.hq');
});

interface Sent {
  text: string;
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
}

async function proposalSent(title: string): Promise<Sent> {
  await ceo().poke();
  const sent = (await botCalls(operator, 'sendMessage')).filter((c) =>
    String(c.payload.text).includes(`"${title}"`),
  );
  expect(sent, `proposal "${title}"`).toHaveLength(1);
  return sent[0]?.payload as unknown as Sent;
}

const buttonsOf = (id: string) => [
  [
    { text: '✅ Approve', callback_data: `mission:approve:${id}@0` },
    { text: '❌ Reject', callback_data: `mission:reject:${id}@0` },
  ],
];

describe('a proposal’s message carries its plan', () => {
  it('lists the tasks with their scopes and the estimate above Approve / Reject', async () => {
    const { mission } = await propose(
      plan({
        title: 'Planned in the message',
        budgetUsd: 3,
        tasks: [
          hinted('Api', { agentHint: 'pp-ada' }),
          { ...hinted('Web', { agentHint: 'pp-ada' }), expectedScope: ['web/**', 'docs/web.md'] },
          hinted('Newcomer', { agentHint: 'pp-new' }),
        ],
      }),
    );
    const message = await proposalSent('Planned in the message');
    expect(message.text).toBe(
      [
        'New mission proposed by operator@test.hq: "Planned in the message" (3 tasks). It waits for your approval.',
        '',
        '1. Api [src/api/**]',
        '2. Web [web/**, docs/web.md]',
        '3. Newcomer [src/newcomer/**]',
        'Estimate ~$4.00 (range $2.00–$6.00) from 3 past tasks; 1 planned task has no cost history.',
        "⚠️ Over budget: the estimate $4.00 exceeds the mission's budget $3.00.",
      ].join('\n'),
    );
    expect(message.reply_markup?.inline_keyboard).toEqual(buttonsOf(mission.id));
    // The web app's notification list says the same.
    const listed = await call('/api/notifications?eventType=mission.proposed', {
      cookie: await signInAs('viewer@test.hq'),
    });
    const { items } = (await listed.json()) as { items: { entityId: string; text: string }[] };
    expect(items.find((n) => n.entityId === mission.id)?.text).toBe(message.text);
  });

  it('says so when no agent has cost history', async () => {
    await propose(
      plan({ title: 'Nobody priced', tasks: [hinted('Fresh', { agentHint: 'pp-new' })] }),
    );
    const { text } = await proposalSent('Nobody priced');
    expect(text).toMatch(/\n\n1\. Fresh \[src\/fresh\/\*\*\]\nNo cost history for these agents\.$/);
  });

  it('shortens a 50-task plan to fit one message, the rest as a link to the mission', async () => {
    const scope = Array.from({ length: 20 }, (_, i) => `packages/module-${i}/src/**/*.ts`);
    const tasks = Array.from({ length: 50 }, (_, i) => ({
      ...hinted(`Step ${i + 1}`, { agentHint: 'pp-ada' }),
      expectedScope: scope,
    }));
    const { mission } = await propose(plan({ title: 'A long plan', tasks }));
    const { text, reply_markup } = await proposalSent('A long plan');
    expect(reply_markup?.inline_keyboard).toEqual(buttonsOf(mission.id));
    const [, body = ''] = text.split('\n\n');
    expect(body.length).toBeLessThanOrEqual(PLAN_TEXT_MAX);
    expect(text.length).toBeLessThan(4096);
    const lines = body.split('\n');
    const shown = lines.filter((l) => /^\d+\. Step /.test(l));
    // Each long line is clipped, so several fit; the rest are counted and linked.
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.length).toBeLessThan(50);
    expect(shown[0]).toMatch(/^1\. Step 1 \[packages\/module-0\/src\/\*\*\/\*\.ts, .*…$/);
    expect(lines).toContain(`+${50 - shown.length} more tasks: /missions/${mission.id}`);
    expect(lines.at(-1)).toMatch(
      /^Estimate ~\$100\.00 \(range \$50\.00–\$150\.00\) from 3 past tasks\.$/,
    );
  });

  it('links to the app itself when APP_ORIGIN says where it is', () => {
    const env = { APP_ORIGIN: 'https://hq.example.com/' } as unknown as Env;
    expect(missionLink(env, 'm-1')).toBe('https://hq.example.com/missions/m-1');
  });
});
