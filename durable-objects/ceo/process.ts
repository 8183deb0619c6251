import type { Update } from 'grammy/types';
import { converse } from '../../worker/ceo/chat/converse';
import type { TokenSink } from '../../worker/ceo/chat/engine';
import type { ConversationInput } from '../../worker/ceo/chat/input';
import { settleAction } from '../../worker/ceo/chat/pending';
import { parseCommand, runCommand } from '../../worker/ceo/commands';
import type { CommandContext } from '../../worker/ceo/commands/types';
import { recordExchange, recordInbound } from '../../worker/ceo/conversations';
import type { OutsideDelivery } from '../../worker/ceo/deliver';
import { describe } from '../../worker/ceo/describe';
import type { BufferedMember } from '../../worker/ceo/digest';
import { webMissionTurn } from '../../worker/ceo/drafts/buttons';
import type { Operator, Reply } from '../../worker/ceo/reply';
import { webReviewTurn } from '../../worker/ceo/review-chat';
import { place } from '../../worker/ceo/tiering';
import type { DomainEvent } from '../../worker/events/types';
import type { SettingsValue } from '../../worker/settings/schema';
import { handleUpdate } from '../../worker/telegram/bot';
import { telegramConfig } from '../../worker/telegram/config';
import { showDecision } from '../../worker/telegram/edits';
import type { ItemSteps } from './item-progress';

/** A web chat turn: a message, or a button's action (confirm / cancel). */
export interface WebChatInput {
  key: string;
  operator: Operator;
  text?: string;
  action?: string;
}

/** One unit of the CEO's work, in arrival order. */
export type QueueItem =
  | { kind: 'event'; event: DomainEvent }
  | { kind: 'telegram'; update: Update }
  | { kind: 'chat'; chat: WebChatInput };

export interface ProcessContext {
  env: Env;
  settings: SettingsValue;
  /** Where notifications go outside the app (Telegram), as the CEO's host plugged it in. */
  outside: OutsideDelivery;
  now: number;
  levers: CommandContext['ceo'];
  /** What this item already did in an earlier run, so a rerun repeats none of it. */
  steps: ItemSteps;
  /** Where a web chat's answer streams, while its request is still open. */
  sink?: TokenSink;
  /** The web chat's last word: the whole reply, with its buttons. */
  onReply?: (reply: Reply) => void;
}

/** A slash command typed in the web chat: the same commands as Telegram, recorded in the conversation. */
async function webCommand(
  p: ProcessContext,
  chat: WebChatInput,
  command: { name: string; args: string[] },
) {
  const reply = await runCommand(
    {
      env: p.env,
      settings: p.settings,
      operator: chat.operator,
      now: p.now,
      chatId: null,
      requestId: chat.key,
      ceo: p.levers,
    },
    command.name,
    command.args,
  );
  const message = {
    key: chat.key,
    channel: 'web' as const,
    userEmail: chat.operator.email,
    text: chat.text ?? '',
    at: p.now,
  };
  await recordExchange(p.env, p.settings, message, reply.text);
  return reply;
}

/** A confirmation or cancellation, answered and recorded in the operator's conversation. */
async function settle(
  p: ProcessContext,
  channel: 'telegram' | 'web',
  operator: Operator,
  action: string,
  key: string,
) {
  const reply = await settleAction(p.env, p.settings, operator, action, key, p.now);
  if (reply) {
    const message = {
      key: `${key}:reply`,
      channel,
      userEmail: operator.email,
      text: reply.text,
      at: p.now,
    };
    await recordInbound(p.env, p.settings, message, 'ceo');
  }
  return reply;
}

/** Processes one queue item; returns the digest member an event became, if any. */
export async function processItem(
  p: ProcessContext,
  item: QueueItem,
): Promise<BufferedMember | null> {
  switch (item.kind) {
    case 'event': {
      const member = await place(
        p.env,
        p.settings,
        p.outside,
        await describe(p.env, item.event),
        p.now,
      );
      // A decision made on any face closes the buttons of every Telegram message that asked it.
      await showDecision(p.env, p.settings, item.event).catch((error: unknown) =>
        console.warn(`editing the decision's Telegram messages failed: ${String(error)}`),
      );
      return member;
    }
    case 'telegram': {
      const config = telegramConfig(p.env, p.settings);
      if (!config) return null;
      await handleUpdate(
        config,
        {
          env: p.env,
          settings: p.settings,
          now: p.now,
          ceo: p.levers,
          converse: (input: ConversationInput) =>
            p.steps.once('converse', () => converse(p.env, p.settings, input)),
          confirm: (operator, action, key) =>
            p.steps.once('confirm', () => settle(p, 'telegram', operator, action, key)),
          once: (name, work) => p.steps.once(name, work),
          transformer: p.steps.telegram,
        },
        item.update,
      );
      return null;
    }
    case 'chat': {
      const { chat } = item;
      const command = chat.text ? parseCommand(chat.text) : null;
      // A mission's or a review's button, or the comment Request changes asked for, comes first.
      const review =
        (await p.steps.once('mission', () => webMissionTurn(p.env, p.settings, chat, p.now))) ??
        (await p.steps.once('review', () => webReviewTurn(p.env, p.settings, chat, p.now)));
      // Recorded once done: a rerun after a restart answers from the record, not the model.
      const reply =
        review ??
        (await p.steps.once('reply', async () =>
          chat.action
            ? ((await settle(p, 'web', chat.operator, chat.action, chat.key)) ?? {
                text: 'That button has expired.',
              })
            : command
              ? await webCommand(p, chat, command)
              : await converse(
                  p.env,
                  p.settings,
                  {
                    channel: 'web',
                    operator: chat.operator,
                    text: chat.text ?? '',
                    key: chat.key,
                    at: p.now,
                  },
                  p.sink,
                ),
        ));
      if (review || chat.action || command) p.sink?.(reply.text);
      p.onReply?.(reply);
      return null;
    }
  }
}
