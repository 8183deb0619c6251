import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { type NotificationInsert, sendOnce } from '../../../worker/ceo/send';
import { readSettings } from '../../../worker/settings/store';
import { telegramDelivery } from '../../../worker/telegram/deliver';
import { countingDb } from '../missions/counting-db';
import { linkChat, said, useTelegram } from '../telegram/support';
import { noModel } from './support';

// A send claims its row, reads the decisions its message asks for and Telegram's linked chats
// in one D1 batch, sends, then records the outcome: two round trips (the linked chats were a
// third). What reaches Telegram must be what it was with the chats read on their own.

let listening: number;
let muted: number;

const row = (id: string): NotificationInsert => ({
  id,
  eventType: 'task.failed',
  entityType: 'task',
  entityId: `task-${id}`,
  tier: 'IMMEDIATE',
  status: 'sending',
  text: `Task ${id} failed: the disk is full.`,
  rawText: `Task ${id} failed: the disk is full.`,
  createdAt: Date.now(),
});

/** Sends `id` through the real Telegram delivery, counting the D1 round trips it makes. */
async function send(id: string, without: Partial<Env> = {}) {
  const counting = countingDb();
  const outcome = await sendOnce(
    { ...env, ...without, DB: counting.db },
    await readSettings(env),
    telegramDelivery,
    row(id),
    Date.now(),
  );
  const stored = await env.DB.prepare('SELECT status, channel FROM notifications WHERE id = ?')
    .bind(id)
    .first<{ status: string; channel: string }>();
  return { outcome, trips: counting.trips(), stored };
}

beforeAll(async () => {
  await noModel();
  await useTelegram();
  listening = await linkChat('operator@test.hq');
  muted = await linkChat('admin@test.hq');
  await env.DB.prepare('UPDATE telegram_chats SET muted_until = ? WHERE chat_id = ?')
    .bind(Date.now() + 3_600_000, String(muted))
    .run();
});

describe("a send's round trips", () => {
  it('claims, reads the linked chats in the same batch, and records: two trips; muted chats hear nothing', async () => {
    const { outcome, trips, stored } = await send('send-trips-1');
    expect(outcome).toEqual({ status: 'sent', channel: 'web+telegram', claimedNow: true });
    expect(trips).toBe(2);
    expect(stored).toEqual({ status: 'sent', channel: 'web+telegram' });
    expect((await said(listening)).at(-1)).toBe('Task send-trips-1 failed: the disk is full.');
    expect((await said(muted)).join('\n')).not.toContain('send-trips-1');
  });

  it('without Telegram set up it reads no chats and goes to the web list alone', async () => {
    const noBot = { TELEGRAM_BOT_TOKEN: '' };
    expect(telegramDelivery.reads?.({ ...env, ...noBot }, await readSettings(env))).toEqual([]);
    const { outcome, trips } = await send('send-trips-2', noBot);
    expect(outcome).toEqual({ status: 'sent', channel: 'web', claimedNow: true });
    expect(trips).toBe(2);
    expect((await said(listening)).join('\n')).not.toContain('send-trips-2');
  });

  it('a second send of the same id sends nothing again', async () => {
    const before = (await said(listening)).length;
    const { outcome } = await send('send-trips-1');
    expect(outcome.claimedNow).toBe(false);
    expect((await said(listening)).length).toBe(before);
  });
});
