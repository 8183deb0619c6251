import type { BenchHq, Session } from './hq';

// Updates in the Bot API's wire format, as Telegram posts them to a webhook.
let nextUpdateId = Math.floor(Math.random() * 1_000_000_000);
let nextMessageId = 1;

const chatOf = (chatId: number) => ({ id: chatId, type: 'private', first_name: 'Bench' });
const fromOf = (chatId: number) => ({ id: chatId, is_bot: false, first_name: 'Bench' });

/** A fresh private chat id. */
export const newChat = (): number => 5_000_000 + Math.floor(Math.random() * 1_000_000_000);

/** A text message; a leading slash command gets its bot_command entity, as Telegram adds it. */
export function textUpdate(chatId: number, text: string) {
  const command = /^\/\w+/.exec(text)?.[0];
  return {
    update_id: ++nextUpdateId,
    message: {
      message_id: ++nextMessageId,
      date: Math.floor(Date.now() / 1000),
      chat: chatOf(chatId),
      from: fromOf(chatId),
      text,
      ...(command
        ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] }
        : {}),
    },
  };
}

/** A tap on an inline button under one of the bot's messages. */
export function callbackUpdate(chatId: number, data: string) {
  return {
    update_id: ++nextUpdateId,
    callback_query: {
      id: `cb-${nextUpdateId}`,
      from: fromOf(chatId),
      chat_instance: `ci-${chatId}`,
      data,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: chatOf(chatId),
        text: 'Mission proposed',
      },
    },
  };
}

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
