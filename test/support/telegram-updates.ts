import type { Update } from 'grammy/types';

// Updates in the Bot API's wire format, as Telegram posts them to a webhook: one definition
// for the worker tests and the bench.

let nextUpdateId = Math.floor(Math.random() * 1_000_000_000);
let nextMessageId = 1;

/** A fresh chat id, so tests never share a chat. */
export const newChat = () => 5_000_000 + Math.floor(Math.random() * 1_000_000_000);

/** A fresh group id: Telegram's group and supergroup ids are negative (supergroups -100…). */
export const newGroup = () => -(1_000_000_000_000 + Math.floor(Math.random() * 1_000_000_000));

/**
 * Who sends an update and where. By default the person of a private chat, whose user id
 * Telegram makes the chat id; `from` sends it as another user, `type` from a shared chat.
 */
export interface Sender {
  from?: number;
  type?: 'private' | 'group' | 'supergroup' | 'channel';
}

const chatOf = (chatId: number, type: Sender['type'] = 'private') =>
  type === 'private' ? { id: chatId, type, first_name: 'Op' } : { id: chatId, type, title: 'Team' };
const fromOf = (userId: number) => ({
  id: userId,
  is_bot: false,
  first_name: 'Op',
  last_name: 'Erator',
});

/** A message update as Telegram sends it; `extra` adds photo, voice, document... */
export function messageUpdate(
  chatId: number,
  extra: Record<string, unknown>,
  sender: Sender = {},
): Update {
  return {
    update_id: ++nextUpdateId,
    message: {
      message_id: ++nextMessageId,
      date: Math.floor(Date.now() / 1000),
      chat: chatOf(chatId, sender.type),
      from: fromOf(sender.from ?? chatId),
      ...extra,
    },
  } as Update;
}

/** A text message; a leading slash command gets its bot_command entity, as Telegram adds it. */
export function textUpdate(chatId: number, text: string, sender: Sender = {}): Update {
  const command = /^\/\w+(@\w+)?/.exec(text)?.[0];
  return messageUpdate(
    chatId,
    {
      text,
      ...(command
        ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] }
        : {}),
    },
    sender,
  );
}

/**
 * A tap on an inline button under the bot's message `messageId`. Telegram sends that message
 * along, as the chat shows it: `shown` gives its text and buttons (default: a bare stub).
 */
export function callbackUpdate(
  chatId: number,
  data: string,
  messageId = 1,
  shown: { text: string; reply_markup?: unknown } = { text: '…' },
  sender: Sender = {},
): Update {
  return {
    update_id: ++nextUpdateId,
    callback_query: {
      id: `cb-${nextUpdateId}`,
      from: fromOf(sender.from ?? chatId),
      chat_instance: `ci-${chatId}`,
      data,
      message: {
        message_id: messageId,
        date: Math.floor(Date.now() / 1000),
        chat: chatOf(chatId, sender.type),
        ...shown,
      },
    },
  } as Update;
}

/** The bot as a chat member, as Telegram names it in member updates. */
const BOT_USER = { id: 123456, is_bot: true, first_name: 'hq_test_bot', username: 'hq_test_bot' };

/** What Telegram sends when the user of a private chat blocks the bot (`status` kicked). */
export function blockedUpdate(chatId: number): Update {
  const date = Math.floor(Date.now() / 1000);
  return {
    update_id: ++nextUpdateId,
    my_chat_member: {
      chat: chatOf(chatId),
      from: fromOf(chatId),
      date,
      old_chat_member: { user: BOT_USER, status: 'member' },
      new_chat_member: { user: BOT_USER, status: 'kicked', until_date: 0 },
    },
  } as Update;
}
