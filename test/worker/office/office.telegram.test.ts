import { describe, expect, it } from 'vitest';
import { hire } from '../missions/support';
import { signInAs } from '../support/client';
import { linkChat, send, textUpdate, useTelegram } from '../telegram/support';
import { agentIs, isSnapshot, openOffice } from './support';

describe('the office and the CEO’s commands', () => {
  it('puts every robot to sleep at once when an admin pauses the workers from Telegram', async () => {
    await useTelegram();
    await hire({ slug: 'tg-robot' });
    const admin = await linkChat('admin@test.hq');
    const viewer = await openOffice(await signInAs('viewer@test.hq'));
    try {
      await viewer.next(isSnapshot);
      await send(textUpdate(admin, '/pause'));
      // The CEO handled a command: it pokes the office, no 15 s check needed.
      const asleep = await viewer.next(agentIs('tg-robot', 'sleeping'));
      expect(asleep.agent.sleepReason).toBe('workers switched off');
      const from = viewer.messages.length;
      await send(textUpdate(admin, '/resume'));
      await viewer.next(agentIs('tg-robot', 'idle'), from);
    } finally {
      viewer.close();
    }
  });
});
