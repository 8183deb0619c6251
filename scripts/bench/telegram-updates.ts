import { newChat, textUpdate } from '../../test/support/telegram-updates';
import type { BenchHq, Session } from './hq';

export { callbackUpdate, newChat, textUpdate } from '../../test/support/telegram-updates';

/** Links a new chat to the session's user the real way: a link code, then `/start CODE`. */
export async function linkChat(hq: BenchHq, session: Session): Promise<number> {
  const chatId = newChat();
  const { code } = await session.json<{ code: string }>('/api/telegram/link-code', {
    method: 'POST',
  });
  const response = await hq.deliver(textUpdate(chatId, `/start ${code}`));
  if (!response.ok) throw new Error(`/start: ${response.status} ${await response.text()}`);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { chats } = await session.json<{ chats: { chatId: string }[] }>('/api/telegram/chats');
    if (chats.some((c) => c.chatId === String(chatId))) return chatId;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`chat ${chatId} was not linked within 30 s`);
}
